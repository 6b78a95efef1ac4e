import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type Browser, browser, seedCouncils, sentTo, titleOf } from './form-client.js';

let t: TestApp;
let admin: Browser;
let id: string;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  const b = browser(t);
  await b.get('/register');
  await b.submit('/register', {
    council: 'CRF',
    address: 'security@cardiff-council.example',
    kind: 'primary',
    team: '<b>Cyber</b> team',
    phone: '029 2087 2000',
  });
  id = (await t.db.query.mailboxes.findFirst())!.id;
  admin = browser(t);
  await admin.signInAs(t.deps, { role: 'admin' });
});
afterEach(() => t.close());

describe('GET /admin/approvals', () => {
  it('lists registrations awaiting approval with the authority, address, domain, known domains and team', async () => {
    const res = await admin.get('/admin/approvals');
    expect(res.status).toBe(200);
    expect(res.html).toContain('Cardiff Council (CRF)');
    expect(res.html).toContain('security@cardiff-council.example');
    expect(res.html).toContain('<dd class="govuk-summary-list__value">cardiff-council.example</dd>');
    expect(res.html).toContain('<li>cardiff.gov.uk</li>');
    expect(res.html).toContain('&lt;b&gt;Cyber&lt;/b&gt; team');
    expect(res.html).toContain(`action="/admin/approvals/${id}/approve"`);
    expect(res.html).toContain(`for="reason-${id}"`);
  });

  it('says whose domain the address is on, what approving does, and warns about free e-mail', async () => {
    const res = await admin.get('/admin/approvals');
    expect(res.html).toContain('cardiff-council.example is not known as any council’s domain.');
    expect(res.html).toContain(
      'Sends the confirmation link. Once it is confirmed, it is the council’s primary mailbox.',
    );
    const b = browser(t);
    await b.get('/register');
    await b.submit('/register', {
      council: 'CRF',
      address: 'cardiff.cyber@gmail.com',
      kind: 'secondary',
      team: 'Cyber team',
      phone: '029 2087 2000',
    });
    await b.get('/register');
    await b.submit('/register', {
      council: 'NWP',
      address: 'soc@cardiff.gov.uk',
      kind: 'secondary',
      team: 'Shared SOC',
      phone: '01633 656656',
    });
    const page = await admin.get('/admin/approvals');
    expect(page.html).toContain('gmail.com is a free e-mail provider: anyone can open an address there.');
    expect(page.html).toContain('<strong class="govuk-tag govuk-tag--red">Free e-mail</strong>');
    expect(page.html).toContain('A free e-mail address proves nothing about who reads it.');
    expect(page.html).toMatch(/cardiff\.gov\.uk is not [^’]+’s: it is a domain of Cardiff Council \(CRF\)\./);
  });

  it('is forbidden to a council session', async () => {
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    const res = await council.get('/admin/approvals');
    expect(res.status).toBe(403);
    expect(res.html).toContain('You cannot view this page');
    await council.get('/account');
    const approve = await council.submit(`/admin/approvals/${id}/approve`);
    expect(approve.status).toBe(403);
    expect((await t.db.query.mailboxes.findFirst())!.state).toBe('awaiting-approval');
  });
});

describe('approve and refuse', () => {
  it('approving sends the confirmation link', async () => {
    await admin.get('/admin/approvals');
    const done = await admin.submit(`/admin/approvals/${id}/approve`);
    expect(done.status).toBe(303);
    const res = await admin.get(done.location!);
    expect(res.html).toContain('Approved security@cardiff-council.example');
    expect(res.html).toContain('There are no registrations waiting for approval.');
    expect((await t.db.query.mailboxes.findFirst())!.state).toBe('pending');
    expect(sentTo(t, 'security@cardiff-council.example')).toBe(1);
  });

  it('refusing needs a reason: the error summary links to the field', async () => {
    await admin.get('/admin/approvals');
    const res = await admin.submit(`/admin/approvals/${id}/refuse`, { reason: '  ' });
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: Approvals/);
    expect(res.html).toContain(`<a href="#reason-${id}">Enter the reason for refusing this registration</a>`);
    expect(res.html).toMatch(
      new RegExp(`id="reason-${id}"[^>]*aria-describedby="reason-${id}-hint reason-${id}-error"`),
    );
    expect((await t.db.query.mailboxes.findFirst())!.state).toBe('awaiting-approval');

    const done = await admin.submit(`/admin/approvals/${id}/refuse`, { reason: 'Not a council domain' });
    expect(done.status).toBe(303);
    const refused = await admin.get(done.location!);
    expect(refused.html).toContain('Refused security@cardiff-council.example');
    const row = (await t.db.query.mailboxes.findFirst())!;
    expect(row.state).toBe('refused');
    expect(row.retiredReason).toBe('Not a council domain');
    expect(sentTo(t, 'security@cardiff-council.example')).toBe(0);

    const twice = await admin.submit(`/admin/approvals/${id}/approve`);
    expect(twice.status).toBe(409);
    expect(twice.html).toContain('so it cannot be approved');
  });
});
