// A session lives only as long as its source: the API token it was opened with, the staff member, or the
// council's mailbox. Each case opens a session, ends the source, and the very next request is refused.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens, sessions } from '../../src/db/schema.js';
import { cliPrincipal, type Role } from '../../src/domain/principal.js';
import { createSession } from '../../src/features/auth/sessions.js';
import { authenticateToken, createToken } from '../../src/features/auth/tokens.js';
import { settleBackground } from '../../src/lib/background.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { browser, linkIn } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertDomains, insertWarp } from '../support/factories.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  // About a session's source; the admin passkey rule has its own tests (test/security/passkeys.test.ts).
  t = await makeTestApp({ env: { ADMIN_PASSKEY_REQUIRED: 'false' } });
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP' });
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', warpId: 'wales' });
  await insertDomains(t.db, 'CRF', ['cardiff.gov.uk']);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

async function sessionRow(secret: string) {
  return t.db.query.sessions.findFirst({ where: eq(sessions.idHash, await hashSecret(secret)) });
}

/**
 * A browser with a session opened from an API token, as the token form made them for staff before passkeys
 * (it now takes only council tokens): such sessions may still be live, and must still end with their token.
 */
async function signInWithToken(token: string) {
  const principal = (await authenticateToken(t.deps, token))!;
  const session = await createSession(t.deps, {
    actor: principal.actor,
    role: principal.role as Role,
    label: principal.label,
    warpId: principal.warpId,
    authorityCode: principal.authorityCode,
    authMethod: 'token',
  });
  const b = browser(t);
  b.jar.set('cc_session', session.secret);
  return b;
}

describe('a session opened with an API token', () => {
  it('ends when the token is revoked: the next page and API call are refused', async () => {
    const created = await createToken(t.deps, { principal: cliPrincipal }, { role: 'admin', name: 'duty' });
    const b = await signInWithToken(created.token);
    expect((await b.get('/dashboard')).status).toBe(200);

    const revoke = await t.call('DELETE', `/api/v1/tokens/${created.id}`, { token: admin });
    expect(revoke.status).toBe(200);

    const page = await b.get('/dashboard');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
    // It cannot mint a new admin token either.
    const mint = await t.app.request('/api/v1/tokens', {
      method: 'POST',
      headers: {
        cookie: `cc_session=${b.jar.get('cc_session') ?? ''}`,
        'content-type': 'application/json',
        'x-csrf-token': b.csrf,
      },
      body: JSON.stringify({ role: 'admin', name: 'escalate' }),
    });
    expect(mint.status).toBe(401);
    expect(await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'escalate'))).toEqual([]);
  });

  it('ends when the token expires, even though the session itself has hours left', async () => {
    const expiresAt = new Date(t.clock.now().getTime() + 60 * 60_000);
    const created = await createToken(
      t.deps,
      { principal: cliPrincipal },
      { role: 'admin', name: 'short', expiresAt },
    );
    const b = await signInWithToken(created.token);
    expect((await b.get('/dashboard')).status).toBe(200);
    t.clock.advance(61 * 60_000);
    expect((await b.get('/dashboard')).status).toBe(303);
  });

  it('makes tokens as the person behind the session, not as itself', async () => {
    const created = await createToken(t.deps, { principal: cliPrincipal }, { role: 'admin', name: 'duty' });
    const b = await signInWithToken(created.token);
    const res = await t.app.request('/api/v1/tokens', {
      method: 'POST',
      headers: {
        cookie: `cc_session=${b.jar.get('cc_session') ?? ''}`,
        'content-type': 'application/json',
        'x-csrf-token': (await sessionRow(b.jar.get('cc_session') ?? ''))?.csrfToken ?? '',
      },
      body: JSON.stringify({ role: 'council', authority: 'CRF', name: 'automation' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect((await res.json()).createdBy).toBe(`token:${created.id}`);
  });
});

describe('a staff member’s session', () => {
  async function staffSession(role: 'admin' | 'warp') {
    const add = await t.call('POST', '/api/v1/staff', {
      token: admin,
      body: {
        address: 'duty@ncsc.gov.uk',
        name: 'Duty officer',
        role,
        ...(role === 'warp' && { warp: 'wales' }),
      },
    });
    expect(add.status, await add.clone().text()).toBe(201);
    const session = await createSession(t.deps, {
      actor: 'staff:duty@ncsc.gov.uk',
      role,
      label: 'Duty officer',
      warpId: role === 'warp' ? 'wales' : null,
      authMethod: 'passkey',
    });
    const b = browser(t);
    b.jar.set('cc_session', session.secret);
    return { b, session };
  }

  it('ends when the member is disabled', async () => {
    const { b, session } = await staffSession('admin');
    expect((await b.get('/dashboard')).status).toBe(200);
    const off = await t.call('DELETE', '/api/v1/staff/duty%40ncsc.gov.uk', { token: admin });
    expect(off.status, await off.clone().text()).toBe(200);
    expect((await b.get('/dashboard')).status).toBe(303);
    expect((await sessionRow(session.secret))?.revokedAt).not.toBeNull();
  });
});

describe('a council session opened from a mailbox', () => {
  async function councilSession() {
    const b = browser(t);
    await b.get('/register');
    await b.submit('/register', {
      council: 'CRF',
      address: 'cyber@cardiff.gov.uk',
      kind: 'primary',
      team: 'Cyber team',
      phone: '029 2087 2000',
    });
    await browser(t).post(linkIn(t, 'cyber@cardiff.gov.uk', 'confirm'), {});
    await b.get('/sign-in');
    await b.submit('/sign-in', { address: 'cyber@cardiff.gov.uk' });
    await settleBackground(t.deps.db);
    const link = linkIn(t, 'cyber@cardiff.gov.uk', 'sign-in');
    const signed = await b.post(link, {});
    expect(signed.status).toBe(303);
    expect((await b.get('/account')).status).toBe(200);
    return b;
  }

  it('ends when an admin retires the mailbox', async () => {
    const b = await councilSession();
    const list = await (await t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json();
    const id = list.items[0].id as string;
    const retire = await t.call('DELETE', `/api/v1/mailboxes/${id}`, {
      token: admin,
      body: { reason: 'compromised' },
    });
    expect(retire.status, await retire.clone().text()).toBe(200);
    const after = await b.get('/account');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/sign-in');
  });
});
