import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type Browser, browser, seedCouncils, sentTo, titleOf } from './form-client.js';

let t: TestApp;
let b: Browser;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  b = browser(t);
});
afterEach(() => t.close());

const good = {
  council: 'Cardiff Council',
  address: 'cyber@cardiff.gov.uk',
  kind: 'primary',
  team: 'Cyber Security Team',
  phone: '029 2087 2000',
};

describe('GET /register', () => {
  it('is an accessible GOV.UK form with one h1, labels, hints and a datalist of current councils', async () => {
    const res = await b.get('/register');
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Register your council’s cyber security mailbox – /);
    expect(res.html.match(/<h1/g)).toHaveLength(1);
    expect(res.html).toContain('<label class="govuk-label" for="council">Council</label>');
    expect(res.html).toMatch(
      /<input[^>]*id="address"[^>]*type="email"[^>]*autocomplete="off"[^>]*spellcheck="false"/,
    );
    expect(res.html).toMatch(/<input[^>]*id="phone"[^>]*type="tel"/);
    expect(res.html).toMatch(
      /id="kind"[^>]*type="radio"[^>]*value="primary"[^>]*aria-describedby="kind-item-hint"/,
    );
    expect(res.html).toContain('<option value="Cardiff Council">');
    expect(res.html).not.toContain('<option value="Old District Council">');
    expect(res.html).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{20,}"/);
    expect(res.setCookies.join()).toMatch(/cc_csrf=.*HttpOnly/i);
    expect(res.html).not.toContain('govuk-error-summary');
  });
});

describe('POST /register', () => {
  it('shows the error summary with links to each field, inline errors and aria-describedby', async () => {
    await b.get('/register');
    const res = await b.send('/register', {
      council: '',
      address: 'not-an-address',
      kind: '',
      team: '',
      phone: '12',
    });
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: Register your council’s cyber security mailbox/);
    expect(res.html).toContain('class="govuk-error-summary"');
    for (const field of ['council', 'address', 'kind', 'team', 'phone']) {
      expect(res.html).toContain(`href="#${field}"`);
      expect(res.html).toContain(`id="${field}-error"`);
    }
    expect(res.html).toMatch(/id="address"[^>]*aria-describedby="address-hint address-error"/);
    expect(res.html).toMatch(/<fieldset class="govuk-fieldset" aria-describedby="kind-error">/);
    // The schema's own messages
    expect(res.html).toContain('Choose primary, secondary or out-of-hours');
    expect(res.html).toContain('Enter the name of the team that reads the mailbox');
    // in form order
    const order = ['#council', '#address', '#kind', '#team', '#phone'].map((h) =>
      res.html.indexOf(`href="${h}"`),
    );
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });

  it('keeps what was typed, escaped', async () => {
    await b.get('/register');
    const res = await b.send('/register', {
      ...good,
      address: '"><script>alert(1)</script>',
      team: '<script>alert("team")</script>',
    });
    expect(res.status).toBe(422);
    expect(res.html).not.toContain('<script>alert');
    expect(res.html).toContain('value="&lt;script&gt;alert(&quot;team&quot;)&lt;/script&gt;"');
    expect(res.html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(res.html).toContain('value="Cardiff Council"');
    expect(res.html).toMatch(/id="kind"[^>]*value="primary"[^>]*checked/);
  });

  it('registers and shows "Check the mailbox" for an address on the council’s domain', async () => {
    await b.get('/register');
    const res = await b.send('/register', good);
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Check the mailbox – /);
    expect(res.html).toContain('govuk-panel--confirmation');
    expect(res.html).toContain('cyber@cardiff.gov.uk');
    expect(res.html).not.toContain('govuk-warning-text');
    expect(sentTo(t, 'cyber@cardiff.gov.uk')).toBe(1);
  });

  it('accepts the register code and shows "Waiting for approval" for another domain, with the personal warning', async () => {
    await b.get('/register');
    const res = await b.send('/register', { ...good, council: 'crf', address: 'jane.smith@gmail.com' });
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Waiting for approval – /);
    expect(res.html).toContain('govuk-warning-text');
    expect(res.html).toContain('looks like a person’s own mailbox');
    expect(sentTo(t, 'jane.smith@gmail.com')).toBe(0);
  });

  it('offers the matching councils as radios when the name matches several', async () => {
    await b.get('/register');
    const res = await b.send('/register', { ...good, council: 'New', address: 'cyber@newport.gov.uk' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('href="#authority"');
    expect(res.html).toMatch(/id="authority"[^>]*type="radio"[^>]*value="NSH"/);
    expect(res.html).toMatch(/type="radio"[^>]*value="NWP"/);
    const chosen = await b.send('/register', {
      ...good,
      council: 'New',
      authority: 'NWP',
      address: 'cyber@newport.gov.uk',
    });
    expect(chosen.status).toBe(200);
    expect(chosen.html).toContain('Newport City Council');
    expect(sentTo(t, 'cyber@newport.gov.uk')).toBe(1);
  });

  it('says when no current council matches (a former council is not offered)', async () => {
    await b.get('/register');
    const res = await b.send('/register', { ...good, council: 'Old District Council' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('No current council matches “Old District Council”');
    expect(res.html).toContain('href="#council"');
  });

  it('shows the verb’s address error (a look-alike domain) against the address field', async () => {
    await b.get('/register');
    const res = await b.send('/register', { ...good, address: 'cyber@cаrdiff.gov.uk' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('href="#address"');
    expect(res.html).toContain('look-alike');
  });

  it('refuses a form without the CSRF field, or with a wrong one', async () => {
    await b.get('/register');
    const without = await b.post('/register', good);
    expect(without.status).toBe(403);
    const wrong = await b.post('/register', { ...good, _csrf: 'x'.repeat(32) });
    expect(wrong.status).toBe(403);
    const foreign = await b.send('/register', good, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(sentTo(t, 'cyber@cardiff.gov.uk')).toBe(0);
  });

  it('locks a council session to its own council', async () => {
    await b.signInAs(t.deps, {
      role: 'council',
      authorityCode: 'CRF',
      label: 'Cardiff Council (cyber@cardiff.gov.uk)',
    });
    const form = await b.get('/register');
    expect(form.html).toContain('You are registering a mailbox for <strong>Cardiff Council</strong>');
    expect(form.html).not.toContain('id="council"');
    const res = await b.send('/register', {
      ...good,
      council: 'Newport City Council',
      address: 'ooh@cardiff.gov.uk',
      kind: 'out-of-hours',
    });
    expect(res.status).toBe(200);
    expect(res.html).toContain('Cardiff Council');
    const rows = await t.db.query.mailboxes.findMany();
    expect(rows.map((r) => [r.authorityCode, r.address])).toEqual([['CRF', 'ooh@cardiff.gov.uk']]);
  });
});
