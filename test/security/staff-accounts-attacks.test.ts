// Attacks on staff accounts found by the red-team pass of 5 December 2026, each kept as a test of the safe
// behaviour: a session held at the passkey step is nobody on public routes; a key cannot make keys; a key
// lives only as long as the person it belongs to; a link session cannot swap a person's passkey for its
// own; disabling someone removes their passkeys.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens, mailboxes } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  insertMailbox,
  insertSession,
  insertStaff,
  insertToken,
  registration,
  seedCouncils,
} from '../support/fixtures.js';

let t: TestApp;
const A = 'alice@ncsc.gov.uk';
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await insertStaff(t.db, [A, 'bob@ncsc.gov.uk'], { role: 'admin' });
});
afterEach(() => t.close());

describe('admin rule: public routes skip the passkey step', () => {
  it('an admin link session (no passkey yet) gets the admin coverage view of a public route', async () => {
    const s = await insertSession(t.db, { role: 'admin', actor: `staff:${A}`, authMethod: 'link' });
    // control: the session is held at the passkey step on an admin route
    const held = await t.app.request('/api/v1/staff', { headers: { cookie: s.cookie } });
    expect(held.status).toBe(403);
    const anon = await t.app.request('/api/v1/coverage?by=warp');
    expect(anon.status).toBe(403); // the public may not group by WARP
    const res = await t.app.request('/api/v1/coverage?by=warp', { headers: { cookie: s.cookie } });
    // Held at the passkey step, the session is nobody here: anonymous callers get 403.
    expect(res.status).toBe(403);
  });

  it('an admin link session (no passkey yet) registers a mailbox approved by the admin', async () => {
    const s = await insertSession(t.db, { role: 'admin', actor: `staff:${A}`, authMethod: 'link' });
    const res = await t.app.request('/api/v1/mailboxes', {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      body: JSON.stringify(registration({ authority: 'CRF', address: 'attacker@cardiff.gov.uk' })),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const row = await t.db.query.mailboxes.findFirst({
      where: eq(mailboxes.address, 'attacker@cardiff.gov.uk'),
    });
    // Registered as by anyone: no admin approval from a session held at the passkey step.
    expect(row?.approvedBy ?? null).toBeNull();
  });
});

describe('API keys: a WARP or council key cannot make keys that would outlive it', () => {
  for (const role of ['warp', 'council'] as const) {
    it(`a stolen ${role} bearer token cannot mint a 1-year key on /api-keys/new`, async () => {
      const scope = role === 'warp' ? { warpId: 'wales' } : { authorityCode: 'CRF' };
      const stolen = await insertToken(t.db, { role, ...scope, expiresAt: new Date('2026-12-06T00:00:00Z') });
      const form = new URLSearchParams({
        name: 'persist',
        role,
        warp: scope.warpId ?? '',
        authority: scope.authorityCode ?? '',
        expiry: '365',
      });
      const res = await t.app.request('/api-keys/new', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stolen.secret}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: form.toString(),
      });
      // A key does not make keys (they would outlive its revocation and expiry): people do, signed in.
      expect(res.status).toBe(403);
      expect(await res.text()).not.toMatch(/cct_[A-Za-z0-9_-]+/);
      const keys = await t.db.query.apiTokens.findMany({ where: eq(apiTokens.name, 'persist') });
      expect(keys).toEqual([]);
    });
  }
});

describe('API keys: a key ends with the mailbox of the person who made it', () => {
  it('a key made from a mailbox session stops working once that mailbox is retired', async () => {
    const mb = await insertMailbox(t.db, { authorityCode: 'CRF', address: 'leaver@cardiff.gov.uk' });
    const s = await insertSession(t.db, {
      role: 'council',
      authorityCode: 'CRF',
      actor: `mailbox:${mb.id}`,
      mailboxId: mb.id,
    });
    const page = await t.app.request('/api-keys/new', {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: s.csrf,
        name: 'mine',
        role: 'council',
        authority: 'CRF',
        expiry: '365',
      }).toString(),
    });
    const key = /cct_[A-Za-z0-9_-]+/.exec(await page.text())?.[0];
    expect(key).toBeDefined();
    await t.db
      .update(mailboxes)
      .set({ state: 'retired', retiredAt: new Date() })
      .where(eq(mailboxes.id, mb.id));
    // the session ends with the mailbox …
    expect((await t.app.request('/api/v1/me', { headers: { cookie: s.cookie } })).status).toBe(401);
    // … and so does the key the person made.
    expect((await t.app.request('/api/v1/me', { headers: { authorization: `Bearer ${key}` } })).status).toBe(
      401,
    );
  });
});

import { passkeys as passkeyTable } from '../../src/db/schema.js';

describe('passkeys: someone in the mailbox cannot swap the owner’s passkey for their own', () => {
  it('a WARP operator link session cannot remove the owner’s passkey to make way for its own', async () => {
    const W = 'wendy@warp.example';
    await insertStaff(t.db, [W], { role: 'warp', warpId: 'wales' });
    await t.db.insert(passkeyTable).values({
      id: 'dmljdGltLWtleQ',
      staffAddress: W,
      publicKey: 'AA',
      counter: 0,
      transports: [],
      deviceType: 'multiDevice',
      backedUp: true,
      name: 'Victim phone',
      state: 'active',
      createdAt: new Date(),
    });
    // the attacker signed in with a link from the victim's mailbox (bound to the attacker's own browser)
    const s = await insertSession(t.db, {
      role: 'warp',
      warpId: 'wales',
      actor: `staff:${W}`,
      authMethod: 'link',
    });
    const jar = new Map<string, string>([['cc_session', s.cookie.split('=')[1]!]]);
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const post = async (path: string, body: unknown) => {
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { cookie: cookie(), 'content-type': 'application/json', 'x-csrf-token': s.csrf },
        body: JSON.stringify(body),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const i = pair!.indexOf('=');
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      return res;
    };
    // control: adding straight away is refused
    expect((await post('/api/v1/passkeys/registration-options', {})).status).toBe(403);
    const removed = await t.app.request('/account/passkeys/dmljdGltLWtleQ/remove', {
      method: 'POST',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: s.csrf }).toString(),
    });
    // Removing a passkey needs a session made with one: the owner's passkey stays, so adding stays refused.
    expect(removed.status).toBe(403);
    const victim = await t.db.query.passkeys.findFirst({ where: eq(passkeyTable.id, 'dmljdGltLWtleQ') });
    expect(victim?.state).toBe('active');
    expect((await post('/api/v1/passkeys/registration-options', {})).status).toBe(403);
  });
});

import { cliPrincipal } from '../../src/domain/principal.js';
import { disableStaffMember, enableStaffMember } from '../../src/features/staff/transitions.js';

describe('staff: disabling someone removes their passkeys', () => {
  it('a passkey registered before a disable is gone after re-enabling', async () => {
    const W = 'wendy@warp.example';
    await insertStaff(t.db, [W], { role: 'warp', warpId: 'wales' });
    await t.db.insert(passkeyTable).values({
      id: 'c3RvbGVuLWtleQ',
      staffAddress: W,
      publicKey: 'AA',
      counter: 0,
      transports: [],
      deviceType: 'multiDevice',
      backedUp: true,
      name: 'Stolen laptop',
      state: 'active',
      createdAt: new Date(),
    });
    await disableStaffMember(t.deps, { principal: cliPrincipal }, W);
    await enableStaffMember(t.deps, { principal: cliPrincipal }, W);
    const row = await t.db.query.passkeys.findFirst({ where: eq(passkeyTable.id, 'c3RvbGVuLWtleQ') });
    // Removed at disable.
    expect(row?.state).toBe('removed');
  });
});

describe('passkey sign-in: starting one is rate limited per client', () => {
  it('answers 429 once a client has started ten times RATE_LIMIT_PER_IP sign-ins this hour', async () => {
    const limited = await makeTestApp({ env: { RATE_LIMIT_PER_IP: '1' } });
    try {
      const start = () => limited.app.request('/api/v1/sign-in/passkey/options', { method: 'POST' });
      for (let i = 0; i < 10; i++) expect((await start()).status).toBe(200);
      const refused = await start();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await limited.close();
    }
  });
});
