import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { settleBackground } from '../../src/lib/background.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { browser, linkIn, seedCouncils, sentTo, titleOf } from './form-client.js';

let t: TestApp;

async function confirmedMailbox(address: string, council = 'CRF') {
  const b = browser(t);
  await b.get('/register');
  await b.submit('/register', {
    council,
    address,
    kind: 'primary',
    team: 'Cyber team',
    phone: '029 2087 2000',
  });
  await browser(t).post(linkIn(t, address, 'confirm'), {});
}

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await confirmedMailbox('cyber@cardiff.gov.uk');
});
afterEach(() => t.close());

describe('sign-in page', () => {
  it('offers both ways in, each with a labelled field', async () => {
    const res = await browser(t).get('/sign-in');
    expect(res.status).toBe(200);
    // Each kind of person is told what to enter.
    expect(res.html).toContain(
      '<strong>Council security teams:</strong> your council’s confirmed cyber security mailbox',
    );
    expect(res.html).toContain('<strong>NCSC and WARP staff:</strong> your own work address');
    expect(res.html).toContain('NCSC and WARP staff with a passkey');
    expect(res.html).toContain('data-passkey-sign-in');
    expect(res.html).toContain('Councils with an API token');
    expect(res.html).toMatch(/id="address"[^>]*type="email"/);
    expect(res.html).toMatch(/id="token"[^>]*type="password"/);
    expect(res.html.match(/<h1/g)).toHaveLength(1);
  });

  it('answers the same for a registered and an unknown address, and mails only the registered one', async () => {
    const b = browser(t);
    await b.get('/sign-in');
    const before = sentTo(t, 'cyber@cardiff.gov.uk');
    const known = await b.submit('/sign-in', { address: 'cyber@cardiff.gov.uk' });
    await settleBackground(t.deps.db);
    await b.get('/sign-in');
    const unknown = await b.submit('/sign-in', { address: 'nobody@cardiff.gov.uk' });
    await settleBackground(t.deps.db);
    // Post/redirect/get: both go to the same page, which asks for nothing when refreshed.
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(303);
    expect(known.location).toBe('/sign-in/sent');
    expect(unknown.location).toBe(known.location);
    const sent = await b.get(known.location!);
    expect(sent.html).toContain('If that address is a confirmed mailbox, we have sent it a sign-in link');
    expect(sentTo(t, 'cyber@cardiff.gov.uk')).toBe(before + 1);
    expect(sentTo(t, 'nobody@cardiff.gov.uk')).toBe(0);
  });

  it('asks for an address when none is given', async () => {
    const b = browser(t);
    await b.get('/sign-in');
    const res = await b.submit('/sign-in', { address: '' });
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: Sign in/);
    expect(res.html).toContain('<a href="#address">Enter your e-mail address</a>');
  });
});

describe('the sign-in link', () => {
  it('shows "Sign in to <council>", then signs in with a session cookie and lands on /account', async () => {
    const b = browser(t);
    await b.get('/sign-in');
    await b.submit('/sign-in', { address: 'cyber@cardiff.gov.uk' });
    await settleBackground(t.deps.db); // the link is sent after the answer
    const link = linkIn(t, 'cyber@cardiff.gov.uk', 'sign-in');
    // Opened in the browser that asked for it (its cc_browser cookie): one plain button.
    const page = await b.get(link);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Sign in to Cardiff Council');
    expect(page.html).not.toContain('asked for in another browser');

    const fresh = b;
    const res = await fresh.post(link, {});
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account');
    const cookie = res.setCookies.find((c) => c.startsWith('cc_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(new RegExp(`Max-Age=${t.deps.config.SESSION_TTL_HOURS * 3600}`));
    expect(cookie).not.toMatch(/Secure/);

    const account = await fresh.get('/account');
    expect(account.status).toBe(200);
    expect(account.html).toContain('Cardiff Council');
    expect(account.html).toContain('Signed in as Cardiff Council (cyber@cardiff.gov.uk)');
    expect(account.html).toContain('>Sign out</button>');

    const used = await browser(t).post(link, {});
    expect(used.status).toBe(410);
    expect(used.html).toContain('This link has already been used');
    expect(used.html).toContain('href="/sign-in"');
  });

  it('an unknown sign-in link gets a 404 page', async () => {
    const res = await browser(t).get('/sign-in/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.html).toContain('This link is not recognised');
  });

  it('marks the cookie Secure when the service is on https', async () => {
    await t.close();
    t = await makeTestApp({ env: { PUBLIC_BASE_URL: 'https://cyber-contacts.test' } });
    await seedCouncils(t);
    await confirmedMailbox('cyber@cardiff.gov.uk');
    const b = browser(t);
    await b.get('/sign-in');
    await b.submit('/sign-in', { address: 'cyber@cardiff.gov.uk' });
    await settleBackground(t.deps.db); // the link is sent after the answer
    expect(b.jar.has('__Host-cc_browser')).toBe(true);
    const res = await b.post(linkIn(t, 'cyber@cardiff.gov.uk', 'sign-in'), {});
    expect(res.status).toBe(303);
    expect(res.setCookies.find((c) => c.startsWith('cc_session='))).toMatch(/Secure/);
  });
});

describe('sign-in with an API token (councils only)', () => {
  it('starts a council session with the council’s token, records session.sign-in, and signs out again', async () => {
    const token = await t.tokenFor('council', { authority: 'CRF' });
    const b = browser(t);
    await b.get('/sign-in');
    const res = await b.submit('/sign-in/token', { token });
    expect(res.status).toBe(303);
    expect(res.location).toBe('/account');
    const account = await b.get('/account');
    expect(account.status).toBe(200);
    const audit = await t.db.select().from(auditLog);
    expect(audit.some((a) => a.action === 'session.sign-in' && a.actorRole === 'council')).toBe(true);

    const out = await b.submit('/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/');
    expect(out.setCookies.join()).toMatch(/cc_session=;/);
    const after = await b.get('/account');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/sign-in');
  });

  it('refuses staff tokens (admin, WARP): staff sign in as themselves, by link or passkey', async () => {
    for (const token of [await t.tokenFor('admin'), await t.tokenFor('warp', { warp: 'wales' })]) {
      const b = browser(t);
      await b.get('/sign-in');
      const res = await b.submit('/sign-in/token', { token });
      expect(res.status).toBe(422);
      expect(res.html).toContain('Staff sign in with their e-mailed link or a passkey');
      expect(res.setCookies.join()).not.toContain('cc_session=');
    }
  });

  it('refuses an unknown token and an inbound token, with the error summary', async () => {
    const b = browser(t);
    await b.get('/sign-in');
    const bad = await b.submit('/sign-in/token', { token: 'cct_nonsense' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('<a href="#token">The token is not valid');
    expect(bad.html).not.toContain('cct_nonsense');
    const inbound = await b.submit('/sign-in/token', { token: await t.tokenFor('inbound') });
    expect(inbound.status).toBe(422);
    expect(inbound.html).toContain('This token cannot be used to sign in');
    expect(inbound.setCookies.join()).not.toContain('cc_session=');
  });

  it('needs the CSRF field (it is not a link route)', async () => {
    const token = await t.tokenFor('council', { authority: 'CRF' });
    const b = browser(t);
    await b.get('/sign-in');
    const res = await b.post('/sign-in/token', { token });
    expect(res.status).toBe(403);
    expect(res.setCookies.join()).not.toContain('cc_session=');
  });
});
