// The first admin without SQL: BOOTSTRAP_ADMIN_TOKEN_SHA256 holds the hash of a one-time token that acts as
// an admin (actor `bootstrap`, every request audited) only while no admin exists: no admin API token that
// is neither revoked nor expired, no enabled admin staff member. After that it is an unknown token.
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { apiTokens, auditLog } from '../../src/db/schema.js';
import { cliPrincipal } from '../../src/domain/principal.js';
import { newTokenSecret, revokeToken } from '../../src/features/auth/tokens.js';
import { disableStaff } from '../../src/features/staff/transitions.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { cryptoRandom } from '../../src/ports/random.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertStaff, insertToken, insertWarp } from '../support/factories.js';

const WARNING =
  'a bootstrap token was presented but an admin exists: remove the BOOTSTRAP_ADMIN_TOKEN_SHA256 secret';
/** An admin-only route that writes nothing. */
const ADMIN_ONLY = '/api/v1/tokens';

let t: TestApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

/** A test app whose BOOTSTRAP_ADMIN_TOKEN_SHA256 is the hash of a fresh token (set: false leaves it unset). */
async function bootstrapApp(options: { set?: boolean; upperCase?: boolean } = {}) {
  const token = newTokenSecret(cryptoRandom());
  const sha256 = await hashSecret(token);
  const setting = options.upperCase ? sha256.toUpperCase() : sha256;
  t = await makeTestApp({
    env: options.set === false ? {} : { BOOTSTRAP_ADMIN_TOKEN_SHA256: setting },
  });
  return { t, token };
}

async function entries(app: TestApp, action: string) {
  return app.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.id);
}

/** The problem document without the fields that differ per request. */
async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const { requestId: _r, instance: _i, ...rest } = (await res.json()) as Record<string, unknown>;
  return rest;
}

const warnings = (app: TestApp) => app.log.lines.filter((l) => l.level === 'warn' && l.msg === WARNING);

describe('BOOTSTRAP_ADMIN_TOKEN_SHA256 in the configuration', () => {
  const hex = 'ab'.repeat(32);

  it('is optional, kept in lower case, and empty is the same as unset', () => {
    expect(parseConfig({}).BOOTSTRAP_ADMIN_TOKEN_SHA256).toBeUndefined();
    expect(parseConfig({ BOOTSTRAP_ADMIN_TOKEN_SHA256: '' }).BOOTSTRAP_ADMIN_TOKEN_SHA256).toBeUndefined();
    expect(
      parseConfig({ BOOTSTRAP_ADMIN_TOKEN_SHA256: hex.toUpperCase() }).BOOTSTRAP_ADMIN_TOKEN_SHA256,
    ).toBe(hex);
    expect(parseConfig({ BOOTSTRAP_ADMIN_TOKEN_SHA256: ` ${hex}\n` }).BOOTSTRAP_ADMIN_TOKEN_SHA256).toBe(hex);
  });

  it('refuses anything but 64 hex characters, the token itself included, saying what it wants', () => {
    for (const bad of [hex.slice(1), `${hex}0`, `${hex.slice(2)}zz`, newTokenSecret(cryptoRandom())])
      expect(() => parseConfig({ BOOTSTRAP_ADMIN_TOKEN_SHA256: bad })).toThrow(
        /BOOTSTRAP_ADMIN_TOKEN_SHA256: must be the SHA-256 of the bootstrap token, 64 hex characters \(not the token itself\)/,
      );
  });
});

describe('the bootstrap token while no admin exists', () => {
  it('acts as an admin that creates the first admin token, audited as `bootstrap`; then it is refused', async () => {
    const { t, token } = await bootstrapApp({ upperCase: true });

    const me = await t.call('GET', '/api/v1/me', { token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: 'admin', actor: 'bootstrap', via: 'token' });
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);

    const created = await t.call('POST', '/api/v1/tokens', {
      token,
      body: { role: 'admin', name: 'First admin' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const first = (await created.json()) as { id: string; token: string; createdBy: string };
    expect(first.createdBy).toBe('bootstrap');

    // The creation is recorded as the bootstrap admin's, and so is each request it made.
    const [creation] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'token.create'), eq(auditLog.subjectId, first.id)));
    expect(creation).toMatchObject({ actor: 'bootstrap', actorRole: 'admin' });
    const uses = await entries(t, 'auth.bootstrap');
    expect(uses.map((u) => ({ actor: u.actor, after: u.after }))).toEqual([
      { actor: 'bootstrap', after: { method: 'GET', path: '/api/v1/me' } },
      { actor: 'bootstrap', after: { method: 'GET', path: ADMIN_ONLY } },
      { actor: 'bootstrap', after: { method: 'POST', path: '/api/v1/tokens' } },
    ]);
    expect(uses.every((u) => u.requestId)).toBe(true);

    // An admin exists now: the bootstrap token is an unknown token (same answer, no hint), with a warning.
    const refused = await t.call('GET', ADMIN_ONLY, { token });
    expect(refused.status).toBe(401);
    const unknown = await t.call('GET', ADMIN_ONLY, { token: newTokenSecret(cryptoRandom()) });
    expect(unknown.status).toBe(401);
    const refusedProblem = await problemOf(refused);
    expect(refusedProblem).toEqual(await problemOf(unknown));
    expect(JSON.stringify(refusedProblem)).not.toMatch(/bootstrap/i);
    expect(warnings(t)).toHaveLength(1);
    expect(await entries(t, 'auth.bootstrap')).toHaveLength(3);
    // Creating anything more needs the real admin, whose token works.
    const more = await t.call('POST', '/api/v1/tokens', { token, body: { role: 'admin', name: 'again' } });
    expect(more.status).toBe(401);
    expect((await t.call('GET', ADMIN_ONLY, { token: first.token })).status).toBe(200);
    expect(await t.db.select().from(apiTokens)).toHaveLength(1);
  });

  it('refuses a wrong token (401, nothing audited, no warning)', async () => {
    const { t, token } = await bootstrapApp();
    const wrong = await t.call('GET', ADMIN_ONLY, { token: newTokenSecret(cryptoRandom()) });
    expect(wrong.status).toBe(401);
    // Nearly right is wrong too.
    const near = await t.call('GET', ADMIN_ONLY, { token: `${token}x` });
    expect(near.status).toBe(401);
    expect(await entries(t, 'auth.bootstrap')).toHaveLength(0);
    expect(warnings(t)).toHaveLength(0);
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);
  });

  it('is an unknown token when the setting is absent', async () => {
    const { t, token } = await bootstrapApp({ set: false });
    const res = await t.call('GET', ADMIN_ONLY, { token });
    expect(res.status).toBe(401);
    expect(await entries(t, 'auth.bootstrap')).toHaveLength(0);
  });

  it('still works when only WARP and council tokens exist (they are not admins)', async () => {
    const { t, token } = await bootstrapApp();
    await insertWarp(t.db, { id: 'wales', name: 'Wales WARP' });
    await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', warpId: 'wales' });
    await t.tokenFor('warp', { warp: 'wales' });
    await t.tokenFor('council', { authority: 'CRF' });
    await t.tokenFor('inbound');
    await insertStaff(t.db, ['operator@wales-warp.example'], { warpId: 'wales' });
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);
  });

  it('works again once the only admin token is revoked, or when it has expired', async () => {
    const { t, token } = await bootstrapApp();
    const admin = await t.tokenFor('admin');
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(401);
    expect(warnings(t)).toHaveLength(1);

    const listed = (await (await t.call('GET', ADMIN_ONLY, { token: admin })).json()) as {
      items: Array<{ id: string }>;
    };
    await revokeToken(t.deps, { principal: cliPrincipal }, listed.items[0]!.id);
    expect((await t.call('GET', ADMIN_ONLY, { token: admin })).status).toBe(401);
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);

    // An admin token that expired before now (the test clock) does not count either; one that has not, does.
    await insertToken(t.db, { role: 'admin', expiresAt: new Date('2026-06-01T00:00:00Z') });
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);
    await insertToken(t.db, { role: 'admin', expiresAt: new Date('2027-06-01T00:00:00Z') });
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(401);
  });

  it('counts an enabled admin staff member as an admin, and not a disabled one', async () => {
    const { t, token } = await bootstrapApp();
    await insertStaff(t.db, ['duty@ncsc.example']);
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(401);
    expect(warnings(t)).toHaveLength(1);
    await disableStaff(t.deps, { principal: cliPrincipal }, 'duty@ncsc.example');
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);
  });
});

describe('the bootstrap admin and sessions', () => {
  it('cannot sign in to the pages with the bootstrap token', async () => {
    const { t, token } = await bootstrapApp();
    const b = browser(t);
    await b.get('/sign-in');
    const res = await b.submit('/sign-in/token', { token });
    expect(res.status).toBe(422);
    expect(res.setCookies.join()).not.toContain('cc_session=');
    expect((await b.get('/dashboard')).location).toBe('/sign-in');
    // It was not used as a bearer token there, so nothing says it was.
    expect(await entries(t, 'auth.bootstrap')).toHaveLength(0);
  });

  it('is no session source: a session recorded for `bootstrap` is refused and ended', async () => {
    const { t, token } = await bootstrapApp();
    const b = browser(t);
    const session = await b.signInAs(t.deps, { role: 'admin', actor: 'bootstrap' });
    const me = await t.app.request('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(me.status).toBe(401);
    expect((await b.get('/dashboard')).location).toBe('/sign-in');
    // The bearer token itself still works: only the cookie is refused.
    expect((await t.call('GET', ADMIN_ONLY, { token })).status).toBe(200);
  });
});
