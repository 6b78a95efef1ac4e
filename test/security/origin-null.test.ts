// Login CSRF through an opaque origin: a sandboxed frame or data: page posts with `Origin: null`. It is
// refused on the e-mailed link routes and on forms alike; our own pages send their real origin.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleBackground } from '../../src/lib/background.js';
import { browser, linkIn } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertDomains } from '../support/factories.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council' });
  await insertDomains(t.db, 'CRF', ['cardiff.gov.uk']);
});
afterEach(() => t.close());

async function register(b = browser(t)) {
  await b.get('/register');
  return b.send('/register', {
    council: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    kind: 'primary',
    team: 'Cyber team',
    phone: '029 2087 2000',
  });
}

describe('Origin: null', () => {
  it('is refused on a confirmation link, which then still works from the mailbox', async () => {
    await register();
    const link = linkIn(t, 'cyber@cardiff.gov.uk', 'confirm');
    const forged = await browser(t).post(link, {}, { origin: 'null' });
    expect(forged.status).toBe(403);
    const holder = browser(t);
    const real = await holder.post(link, {}, { origin: 'http://cyber-contacts.test' });
    expect(real.status).toBe(303);
    expect((await holder.get(real.location!)).html).toContain('confirmed');
  });

  it('is refused on a sign-in link (no session is started for the forger)', async () => {
    await register();
    await browser(t).post(linkIn(t, 'cyber@cardiff.gov.uk', 'confirm'), {});
    const b = browser(t);
    await b.get('/sign-in');
    await b.submit('/sign-in', { address: 'cyber@cardiff.gov.uk' });
    await settleBackground(t.deps.db);
    const victim = browser(t);
    const forged = await victim.post(linkIn(t, 'cyber@cardiff.gov.uk', 'sign-in'), {}, { origin: 'null' });
    expect(forged.status).toBe(403);
    expect(victim.jar.has('cc_session')).toBe(false);
  });

  it('is refused on an ordinary form with a valid CSRF token', async () => {
    const b = browser(t);
    await b.get('/register');
    const res = await b.submit(
      '/register',
      { council: 'CRF', address: 'cyber@cardiff.gov.uk', kind: 'primary', team: 'T', phone: '029 2087 2000' },
      { origin: 'null' },
    );
    expect(res.status).toBe(403);
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('the pages ask browsers for a same-origin Referrer-Policy, so their own posts carry their origin', async () => {
    const res = await t.app.request('/register', { headers: { accept: 'text/html' } });
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });
});
