// The team page and the staff API: admins see every staff member, invite, change roles, disable (ending
// sessions and revoking the keys they own) and enable again; every change is audited and shown. Nobody else
// sees any of it, and the last admin cannot lock everyone out.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens, auditLog } from '../../src/db/schema.js';
import { changeStaffRole, disableStaffMember } from '../../src/features/staff/transitions.js';
import { type Browser, browser, titleOf } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertSession, insertStaff, seedCouncils } from '../support/fixtures.js';

let t: TestApp;
let alice: Browser;
const ALICE = 'alice@ncsc.gov.uk';
const BOB = 'bob@ncsc.gov.uk';
const WALES = 'duty@wales-warp.gov.uk';

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await insertStaff(t.db, [ALICE, BOB]);
  await insertStaff(t.db, [WALES], { warpId: 'wales' });
  alice = browser(t);
  await alice.signInAs(t.deps, { role: 'admin', actor: `staff:${ALICE}`, label: 'alice' });
});
afterEach(() => t.close());

/** A browser signed in as a staff member. */
async function staffBrowser(address: string, role: 'admin' | 'warp', warpId?: string) {
  const b = browser(t);
  await b.signInAs(t.deps, { role, actor: `staff:${address}`, warpId });
  return b;
}

describe('GET /team', () => {
  it('lists every staff member with role, WARP, last sign-in and state', async () => {
    const res = await alice.get('/team');
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Team/);
    expect(res.html).toContain(ALICE);
    expect(res.html).toContain('Operator of Wales WARP');
    expect(res.html).toContain('NCSC administrator');
    // Alice's session was started now (TEST_NOW); Bob never signed in.
    expect(res.html).toContain('30 November 2026 at 9:00am');
    expect(res.html).toContain('Never');
    expect(res.html).toContain('href="/team"'); // the navigation
    expect(res.html).toContain('href="/audit"');
  });

  it('is for admins only: not a WARP operator, a council, an API-token session or anyone signed out', async () => {
    const wales = await staffBrowser(WALES, 'warp', 'wales');
    expect((await wales.get('/team')).status).toBe(403);
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await council.get('/team')).status).toBe(403);
    const anonymous = browser(t);
    expect([302, 303, 401]).toContain((await anonymous.get('/team')).status);
    const wardToken = await t.tokenFor('warp', { warp: 'wales' });
    expect((await t.call('GET', '/api/v1/staff', { token: wardToken })).status).toBe(403);
    expect(
      (
        await t.call('PATCH', `/api/v1/staff/${BOB}`, {
          token: wardToken,
          body: { role: 'warp', warp: 'wales' },
        })
      ).status,
    ).toBe(403);
    // Nor can a WARP operator post the forms.
    await wales.get('/dashboard');
    expect((await wales.submit(`/team/${BOB}/disable`)).status).toBe(403);
    expect(
      (await t.db.query.staffMembers.findFirst({ where: (s, { eq }) => eq(s.address, BOB) }))?.disabledAt,
    ).toBeNull();
  });
});

describe('inviting someone', () => {
  it('adds them, e-mails them how to sign in, and shows the change', async () => {
    await alice.get('/team/invite');
    const res = await alice.send('/team/invite', {
      address: 'Carol@NCSC.gov.uk',
      name: 'Carol',
      role: 'warp',
      warp: 'london',
    });
    expect(res.redirectedTo).toBe('/team');
    expect(res.html).toContain('carol@ncsc.gov.uk was added. We have e-mailed them how to sign in.');
    expect(res.html).toContain('Operator of London WARP');
    expect(res.html).toMatch(/Invited<\/td>\s*<td[^>]*>carol@ncsc.gov.uk/);
    const [mail] = t.mailer.to('carol@ncsc.gov.uk');
    expect(mail?.subject).toBe('You have been added to Council cyber contacts');
    expect(mail?.text).toContain('http://cyber-contacts.test/sign-in');
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'staff.add'));
    expect(entry?.actor).toBe(`staff:${ALICE}`);
  });

  it('shows what is missing in the error summary', async () => {
    await alice.get('/team/invite');
    const res = await alice.submit('/team/invite', { address: '', name: '', role: 'warp', warp: '' });
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: /);
    expect(res.html).toContain('There is a problem');
    expect(res.html).toContain('<a href="#address">Enter their e-mail address</a>');
    expect(res.html).toContain('<a href="#name">Enter their name</a>');
    expect(res.html).toContain('<a href="#warp">Choose the WARP they operate</a>');
    const bad = await alice.submit('/team/invite', { address: 'not an address', name: 'X', role: 'admin' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('href="#address"');
    const taken = await alice.submit('/team/invite', { address: BOB, name: 'Bob', role: 'admin' });
    expect(taken.status).toBe(422);
    expect(taken.html).toContain('is already a staff member');
  });
});

describe('changing a role', () => {
  it('ends their sessions, revokes the keys the new role could not make, and is audited', async () => {
    const bob = await staffBrowser(BOB, 'admin');
    // Bob made two keys: an admin key and a Wales key.
    await bob.get('/api-keys/new');
    await bob.submit('/api-keys/new', { name: 'bob admin', role: 'admin', expiry: '30' });
    await bob.get('/api-keys/new');
    await bob.submit('/api-keys/new', { name: 'bob wales', role: 'warp', warp: 'wales', expiry: '30' });
    await alice.get(`/team/${BOB}/role`);
    const res = await alice.send(`/team/${BOB}/role`, { role: 'warp', warp: 'wales' });
    expect(res.redirectedTo).toBe('/team');
    expect(res.html).toContain('1 API key they owned revoked');
    expect((await bob.get('/dashboard')).status).not.toBe(200);
    const keys = await t.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.owner, `staff:${BOB}`));
    expect(Object.fromEntries(keys.map((k) => [k.name, Boolean(k.revokedAt)]))).toEqual({
      'bob admin': true,
      'bob wales': false,
    });
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'staff.change-role'));
    expect(entry?.after).toMatchObject({ role: 'warp', warp: 'wales' });
  });

  it('over the API too; a WARP operator needs a WARP', async () => {
    const admin = await t.tokenFor('admin');
    const noWarp = await t.call('PATCH', `/api/v1/staff/${BOB}`, { token: admin, body: { role: 'warp' } });
    expect(noWarp.status).toBe(422);
    const res = await t.call('PATCH', `/api/v1/staff/${WALES}`, { token: admin, body: { role: 'admin' } });
    expect(res.status).toBe(200);
    expect((await res.json()).staff).toMatchObject({ role: 'admin', warp: null });
  });

  it('the only enabled admin cannot demote or disable themselves', async () => {
    await t.call('DELETE', `/api/v1/staff/${BOB}`, { token: await t.tokenFor('admin') });
    await alice.get(`/team/${ALICE}/role`);
    const demote = await alice.submit(`/team/${ALICE}/role`, { role: 'warp', warp: 'wales' });
    expect(demote.status).toBe(409);
    expect(demote.html).toContain('You are the only enabled admin');
    const disable = await alice.submit(`/team/${ALICE}/disable`);
    expect(disable.status).toBe(409);
    expect((await alice.get('/team')).status).toBe(200); // still signed in, still an admin
  });
});

describe('disabling and enabling', () => {
  it('ends their sessions, revokes the keys they own and ends the keys’ sessions; enable brings them back', async () => {
    const bob = await staffBrowser(BOB, 'admin');
    await bob.get('/api-keys/new');
    const made = await bob.submit('/api-keys/new', { name: 'bob automation', role: 'admin', expiry: '90' });
    const secret = /cct_[A-Za-z0-9_-]+/.exec(made.html)?.[0];
    expect(secret).toBeTruthy();
    const key = await t.db.query.apiTokens.findFirst({ where: eq(apiTokens.name, 'bob automation') });
    const keySession = await insertSession(t.db, { role: 'admin', actor: `token:${key!.id}` });
    await alice.get('/team');
    const res = await alice.send(`/team/${BOB}/disable`);
    expect(res.html).toContain(`${BOB} was disabled and their sessions ended. 1 API key they owned revoked.`);
    expect(res.html).toMatch(/Disabled<\/td>\s*<td[^>]*>bob@ncsc.gov.uk/);
    expect((await bob.get('/dashboard')).status).not.toBe(200);
    expect((await t.call('GET', '/api/v1/me', { token: secret })).status).toBe(401);
    const keyRes = await t.app.request('/api/v1/me', { headers: { cookie: keySession.cookie } });
    expect(keyRes.status).toBe(401);
    const again = await alice.send(`/team/${BOB}/enable`);
    expect(again.html).toContain(`${BOB} was enabled again.`);
    expect((await t.call('GET', '/api/v1/me', { token: secret })).status).toBe(401); // keys stay revoked
    const api = await t.call('POST', `/api/v1/staff/${BOB}/enable`, { token: await t.tokenFor('admin') });
    expect(api.status).toBe(409);
  });

  it('two admins disabling at once: one wins, the other gets a conflict, one audit entry', async () => {
    const actor = (who: string) => ({
      principal: {
        actor: `staff:${who}`,
        label: who,
        role: 'admin' as const,
        warpId: null,
        authorityCode: null,
        via: 'session' as const,
      },
    });
    const results = await Promise.allSettled([
      disableStaffMember(t.deps, actor(ALICE), WALES),
      disableStaffMember(t.deps, actor(BOB), WALES),
      changeStaffRole(t.deps, actor(BOB), WALES, { role: 'admin' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('conflict');
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, WALES));
    expect(entries).toHaveLength(1);
  });

  it('a second disable of the same member is a conflict, and audited once', async () => {
    await alice.get('/team');
    await alice.submit(`/team/${BOB}/disable`);
    await alice.get('/team');
    const second = await alice.submit(`/team/${BOB}/disable`);
    expect(second.status).toBe(409);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.action, 'staff.disable'));
    expect(entries).toHaveLength(1);
  });
});
