import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, browser, seedCouncils, titleOf } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let cardiff: Browser;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  cardiff = browser(t);
  await cardiff.signInAs(t.deps, { role: 'council', authorityCode: 'CRF', label: 'Cardiff Council' });
});
afterEach(() => t.close());

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? '';

describe('the out-of-hours mobile on the account page', () => {
  it('adds a number, takes the texted code, and shows it confirmed; without JavaScript', async () => {
    const account = await cardiff.get('/account');
    expect(account.html).toContain('Out-of-hours mobile');
    expect(account.html).toContain('we cannot reach you another way');

    await cardiff.get('/account/mobiles/new');
    const bad = await cardiff.submit('/account/mobiles', { number: '029 2087 2000', label: 'Duty phone' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('govuk-error-summary');
    expect(bad.html).toContain('Enter a UK mobile number');
    expect(bad.html).toContain('value="029 2087 2000"');

    const added = await cardiff.send('/account/mobiles', { number: '07700 900123', label: 'Duty phone' });
    expect(added.redirectedTo).toMatch(/^\/account\/mobiles\/[0-9a-z]+\/code$/);
    expect(titleOf(added.html)).toContain('Enter the code we texted to 07700 900123');
    const code = codeIn(t.sms.sent.at(-1)?.text ?? '');

    const wrong = await cardiff.submit(added.redirectedTo!, {
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('That code is not right');

    const done = await cardiff.send(added.redirectedTo!, { code });
    expect(done.redirectedTo).toBe('/account');
    expect(done.html).toContain('07700 900123 is confirmed');
    expect(done.html).toContain('Confirmed');
    expect(done.html).not.toContain('we cannot reach you another way');
  });

  it('another council cannot open, confirm or remove Cardiff’s number', async () => {
    await cardiff.get('/account/mobiles/new');
    const added = await cardiff.send('/account/mobiles', { number: '07700 900123', label: 'Duty phone' });
    const newport = browser(t);
    await newport.signInAs(t.deps, { role: 'council', authorityCode: 'NWP', label: 'Newport' });
    const page = await newport.get(added.redirectedTo!);
    expect(page.status).toBe(404);
    expect(page.html).not.toContain('900123');
    await newport.get('/account');
    const confirm = await newport.submit(added.redirectedTo!, { code: '123456' });
    expect(confirm.status).toBe(404);
    const remove = await newport.submit(added.redirectedTo!.replace('/code', '/remove'));
    expect(remove.status).toBe(404);
    const still = await cardiff.get('/account');
    expect(still.html).toContain('Waiting for the code');
  });
});

describe('urgent advisories on the staff pages', () => {
  it('only an admin’s compose form offers “urgent”; the check page says how many mobiles will be texted', async () => {
    const { insertConfirmedMailbox, insertMobile } = await import('./support.js');
    await insertConfirmedMailbox(t.db, 'CRF', 'cyber@cardiff.gov.uk');
    await insertMobile(t.db, 'CRF', '+447700900001');
    await insertMobile(t.db, 'NWP', '+447700900002');
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin', label: 'NCSC desk' });
    expect((await admin.get('/advisories/new')).html).toContain('name="urgent"');
    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'wales', label: 'Wales desk' });
    expect((await warp.get('/advisories/new')).html).not.toContain('name="urgent"');

    const saved = await admin.send('/advisories/new', {
      title: 'Urgent appliance patch',
      summary: 'Patch now',
      body: 'Apply the fix.',
      severity: 'high',
      urgent: 'yes',
      tlp: 'AMBER',
      warps: 'wales',
    });
    const id = /^\/advisories\/([0-9a-z]+)/.exec(saved.redirectedTo ?? '')?.[1];
    expect(id).toBeTruthy();
    const check = await admin.get(`/advisories/${id}/release`);
    expect(check.html).toMatch(/Out-of-hours mobiles texted[\s\S]*?2 \(a heads-up/);
  });
});
