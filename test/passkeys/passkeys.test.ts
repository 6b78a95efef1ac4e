// Passkeys through the API and pages, with a software authenticator whose answers SimpleWebAuthn checks as
// it checks a browser's: the admin rule (held at enrolment, then at the passkey step), who may add, rename
// and remove which passkey, and what never signs in (a removed passkey, a counter gone back, a challenge
// given to another browser). And the sign-in links: 10 minutes, bound to the browser that asked.
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, passkeys } from '../../src/db/schema.js';
import { passkeyCounts } from '../../src/features/passkeys/manage-passkeys.js';
import { browser, linkIn, seedCouncils } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertMailbox, insertStaff } from '../support/fixtures.js';
import { type SoftCredential, softAuthenticator } from '../support/soft-authenticator.js';

let t: TestApp;
const ORIGIN = 'http://cyber-contacts.test';
const A = 'alice@ncsc.gov.uk';
const B = 'bob@ncsc.gov.uk';
const key = softAuthenticator(ORIGIN);

type Browser = ReturnType<typeof browser>;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await insertStaff(t.db, [A, B], { role: 'admin' });
});
afterEach(() => t.close());

/** A JSON request from this browser (its cookies, its session's CSRF token). */
async function api(b: Browser, path: string, body: unknown = {}) {
  const res = await t.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': b.csrf,
    },
    body: JSON.stringify(body),
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    b.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return res;
}

/** Signs a browser in with an e-mailed link (asked for and opened in it); lands where the service sends it. */
async function signInWithLink(address: string, b: Browser = browser(t)) {
  await b.get('/sign-in');
  await b.submit('/sign-in', { address });
  const res = await b.post(linkIn(t, address, 'sign-in'), {});
  expect(res.status).toBe(303);
  await b.get(res.location!); // the page carries the session's CSRF token
  return { b, landed: res.location };
}

async function registerPasskey(b: Browser, name = 'Laptop') {
  const options = await api(b, '/api/v1/passkeys/registration-options');
  expect(options.status, await options.clone().text()).toBe(200);
  const { credential, response } = await key.create(await options.json());
  const res = await api(b, '/api/v1/passkeys', { name, response });
  return { credential, res };
}

async function passkeySignIn(b: Browser, credential: SoftCredential, counter?: number) {
  const options = await (await api(b, '/api/v1/sign-in/passkey/options')).json();
  const response = await key.get(credential, options, counter);
  const res = await api(b, '/api/v1/sign-in/passkey', { response });
  if (res.status === 200) await b.get('/account');
  return res;
}

/** Alice, enrolled: a passkey, and a browser signed in with it. */
async function enrolled(address = A) {
  const { b } = await signInWithLink(address);
  const { credential, res } = await registerPasskey(b);
  expect(res.status, await res.clone().text()).toBe(201);
  expect((await passkeySignIn(b, credential)).status).toBe(200);
  return { b, credential, id: ((await res.json()) as { id: string }).id };
}

describe('the admin rule', () => {
  it('holds an admin without a passkey at enrolment: no admin page or API until one answers', async () => {
    const { b, landed } = await signInWithLink(A);
    expect(landed).toBe('/account');
    for (const path of ['/dashboard', '/admin/approvals', '/advisories/new']) {
      const page = await b.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location).toBe('/account');
    }
    const account = await b.get('/account');
    expect(account.html).toContain('Administrators must have a passkey');
    expect((await api(b, '/api/v1/tokens', { role: 'admin', name: 'x' })).status).toBe(403);

    const { credential, res } = await registerPasskey(b);
    expect(res.status).toBe(201);
    // Registered, but the session was made by a link: still held, now at the passkey step.
    expect((await b.get('/dashboard')).location).toBe('/account');
    expect((await b.get('/account')).html).toContain('Administrators sign in with their passkey');
    expect((await passkeySignIn(b, credential)).status).toBe(200);
    expect((await b.get('/dashboard')).status).toBe(200);
    expect((await b.get('/admin/approvals')).status).toBe(200);
  });

  it('a link session of an admin with a passkey cannot add another (someone in their mailbox could)', async () => {
    await enrolled();
    const { b } = await signInWithLink(A);
    expect((await api(b, '/api/v1/passkeys/registration-options')).status).toBe(403);
    expect((await b.get('/account')).html).not.toContain('Add a passkey');
  });

  it('lets a WARP operator use the service with a link alone (passkeys are optional for them)', async () => {
    await insertStaff(t.db, ['ops@wales-warp.gov.uk'], { warpId: 'wales' });
    const { b, landed } = await signInWithLink('ops@wales-warp.gov.uk');
    expect(landed).toBe('/dashboard');
    expect((await b.get('/dashboard')).status).toBe(200);
  });

  it('is off with ADMIN_PASSKEY_REQUIRED=false', async () => {
    t.close();
    t = await makeTestApp({ env: { ADMIN_PASSKEY_REQUIRED: 'false' } });
    await seedCouncils(t);
    await insertStaff(t.db, [A], { role: 'admin' });
    const { b } = await signInWithLink(A);
    expect((await b.get('/dashboard')).status).toBe(200);
  });

  it('leaves API tokens alone', async () => {
    const res = await t.call('GET', '/api/v1/staff', { token: await t.tokenFor('admin') });
    expect(res.status).toBe(200);
  });
});

describe('what never signs in', () => {
  it('a signature counter that went back (a cloned authenticator)', async () => {
    const { credential } = await enrolled();
    const before = credential.counter;
    const b = browser(t);
    expect((await passkeySignIn(b, credential, before)).status).toBe(401);
    expect((await passkeySignIn(b, credential, before - 1)).status).toBe(401);
    expect(b.jar.has('cc_session')).toBe(false);
    expect((await passkeySignIn(b, credential)).status).toBe(200);
  });

  it('a removed passkey; and an admin’s last passkey is not removed', async () => {
    const { b, credential, id } = await enrolled();
    const last = await b.submit(`/account/passkeys/${id}/remove`);
    expect(last.status).toBe(409);
    expect(last.html).toContain('This is your only passkey');

    const second = await registerPasskey(b, 'Security key');
    expect(second.res.status).toBe(201);
    await b.get(`/account/passkeys/${id}/remove`);
    const removed = await b.submit(`/account/passkeys/${id}/remove`);
    expect(removed.status).toBe(303);
    const [row] = await t.db.select().from(passkeys).where(eq(passkeys.id, id));
    expect(row!.state).toBe('removed');
    expect((await passkeySignIn(browser(t), credential)).status).toBe(401);
    expect((await passkeySignIn(browser(t), second.credential)).status).toBe(200);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, 'passkey.remove'));
    expect(audit.map((a) => a.subjectId)).toEqual([id]);
  });

  it('an answer to a challenge another browser was given', async () => {
    const { credential } = await enrolled();
    const asked = browser(t);
    const options = await (await api(asked, '/api/v1/sign-in/passkey/options')).json();
    const response = await key.get(credential, options);
    const other = browser(t);
    const wrong = await api(other, '/api/v1/sign-in/passkey', { response });
    expect(wrong.status, await wrong.clone().text()).toBe(401);
    // Nor twice in the right browser: a challenge is spent by its first answer.
    expect((await api(asked, '/api/v1/sign-in/passkey', { response })).status).toBe(200);
    await asked.get('/account'); // the new session's CSRF token
    expect((await api(asked, '/api/v1/sign-in/passkey', { response })).status).toBe(401);
  });

  it('anyone’s passkey once the staff member is disabled', async () => {
    const { credential } = await enrolled();
    await t.call('DELETE', `/api/v1/staff/${A}`, { token: await t.tokenFor('admin') });
    expect((await passkeySignIn(browser(t), credential)).status).toBe(401);
  });
});

describe('another person’s passkeys', () => {
  it('cannot be renamed, removed or listed', async () => {
    const alice = await enrolled(A);
    const bob = await enrolled(B);
    const remove = await bob.b.submit(`/account/passkeys/${alice.id}/remove`);
    expect(remove.status).toBe(404);
    const rename = await bob.b.submit(`/account/passkeys/${alice.id}/rename`, { name: 'Mine now' });
    expect(rename.status).toBe(404);
    expect((await bob.b.get(`/account/passkeys/${alice.id}/remove`)).status).toBe(404);
    const [row] = await t.db.select().from(passkeys).where(eq(passkeys.id, alice.id));
    expect([row!.state, row!.name]).toEqual(['active', 'Laptop']);
    const listed = await t.app.request('/api/v1/passkeys', {
      headers: { cookie: `cc_session=${bob.b.jar.get('cc_session')}` },
    });
    expect(((await listed.json()) as { items: { id: string }[] }).items.map((k) => k.id)).toEqual([bob.id]);
  });

  it('are renamed by their owner, audited', async () => {
    const { b, id } = await enrolled();
    await b.get(`/account/passkeys/${id}/rename`);
    expect((await b.submit(`/account/passkeys/${id}/rename`, { name: '' })).status).toBe(422);
    expect((await b.submit(`/account/passkeys/${id}/rename`, { name: 'Work phone' })).status).toBe(303);
    const [row] = await t.db.select().from(passkeys).where(eq(passkeys.id, id));
    expect(row!.name).toBe('Work phone');
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'passkey.rename'), eq(auditLog.subjectId, id)));
    expect(audit).toHaveLength(1);
  });

  it('are counted per person for the team page', async () => {
    await enrolled(A);
    const counts = await passkeyCounts(t.db, [A, B, 'nobody@ncsc.gov.uk']);
    expect(Object.fromEntries(counts)).toEqual({ [A]: 1, [B]: 0, 'nobody@ncsc.gov.uk': 0 });
  });
});

describe('sign-in links', () => {
  it('live 10 minutes', async () => {
    expect(t.deps.config.SIGN_IN_TTL_MINUTES).toBe(10);
    const b = browser(t);
    await b.get('/sign-in');
    await b.submit('/sign-in', { address: A });
    const link = linkIn(t, A, 'sign-in');
    t.clock.advance(10 * 60_000);
    const late = await b.post(link, {});
    expect(late.status).toBe(410);
    expect(late.html).toContain('This link has expired');
    expect(late.setCookies.join()).not.toContain('cc_session=');
  });

  it('a council’s link opened in another browser asks first, and signs in only when told to', async () => {
    await insertMailbox(t.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk', state: 'confirmed' });
    const asking = browser(t);
    await asking.get('/sign-in');
    await asking.submit('/sign-in', { address: 'cyber@cardiff.gov.uk' });
    const link = linkIn(t, 'cyber@cardiff.gov.uk', 'sign-in');
    const other = browser(t);
    const page = await other.get(link);
    expect(page.html).toContain('This link was asked for in another browser');
    const plain = await other.post(link, {});
    expect(plain.status).toBe(200);
    expect(plain.setCookies.join()).not.toContain('cc_session=');
    const confirmed = await other.post(link, { otherBrowser: 'yes' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe('/account');
  });

  it('a staff link opened in another browser is refused and stays unspent', async () => {
    const asking = browser(t);
    await asking.get('/sign-in');
    await asking.submit('/sign-in', { address: A });
    const link = linkIn(t, A, 'sign-in');
    const refused = await browser(t).post(link, {});
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('Open this link in the browser you asked for it in');
    expect(refused.setCookies.join()).not.toContain('cc_session=');
    expect((await asking.post(link, {})).status).toBe(303);
  });
});

describe('removing a passkey', () => {
  // Found by the red-team pass of 5 December 2026: a session opened with a removed (rogue) passkey must not
  // live on for SESSION_TTL_HOURS.
  it('ends the sessions opened with it; the admin’s own session goes on', async () => {
    const owner = await enrolled();
    const rogue = await registerPasskey(owner.b, 'Rogue'); // e.g. added while the owner's laptop was unlocked
    expect(rogue.res.status).toBe(201);
    const rogueId = ((await rogue.res.json()) as { id: string }).id;
    const attacker = browser(t);
    await attacker.get('/sign-in');
    expect((await passkeySignIn(attacker, rogue.credential)).status).toBe(200);
    expect((await attacker.get('/team')).status).toBe(200);
    const removed = await owner.b.submit(`/account/passkeys/${rogueId}/remove`, {});
    expect(removed.status).toBe(303);
    expect((await attacker.get('/team')).status).not.toBe(200);
    expect((await owner.b.get('/team')).status).toBe(200);
  });
});
