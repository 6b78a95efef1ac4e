// The API keys page: a key is made with a name, role, scope and expiry, belongs to its maker, and its secret
// is shown once; the list shows only the keys the reader may manage; revoking ends the sessions opened with
// it. A WARP operator manages only their own keys of their WARP, a council only its own authority's keys, and
// nobody makes a key with more power than they have. Keys of one person are one person to the two-person rule.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiTokens, auditLog } from '../../src/db/schema.js';
import { createAdvisory, seedFanOut } from '../advisories/fanout-support.js';
import { type Browser, browser, titleOf } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertSession, insertStaff } from '../support/fixtures.js';

let t: TestApp;
const ALICE = 'alice@ncsc.gov.uk';

beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t); // wales (WA0-2) and london (LO0-2), each council with a primary and secondary mailbox
  await insertStaff(t.db, [ALICE, 'bob@ncsc.gov.uk']);
  await insertStaff(t.db, ['ops@wales.example', 'other-ops@wales.example'], { warpId: 'wales' });
});
afterEach(() => t.close());

async function signedIn(session: Parameters<Browser['signInAs']>[1]) {
  const b = browser(t);
  await b.signInAs(t.deps, session);
  return b;
}

/** Makes a key on the page; returns the page and the secret it shows. */
async function makeKey(b: Browser, fields: Record<string, string>) {
  await b.get('/api-keys/new');
  const res = await b.submit('/api-keys/new', { expiry: '90', ...fields });
  return { res, secret: /cct_[A-Za-z0-9_-]+/.exec(res.html)?.[0] };
}

describe('making a key', () => {
  it('shows the secret once: not on the list, not in the audit log, not in the logs', async () => {
    const alice = await signedIn({ role: 'admin', actor: `staff:${ALICE}` });
    const { res, secret } = await makeKey(alice, {
      name: 'Nightly export',
      role: 'council',
      authority: 'wa0',
    });
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Your new API key/);
    expect(secret).toBeTruthy();
    const me = await t.call('GET', '/api/v1/me', { token: secret });
    expect(await me.json()).toMatchObject({ role: 'council', authority: 'WA0' });
    const list = await alice.get('/api-keys');
    expect(list.html).toContain('Nightly export');
    expect(list.html).toContain('wales council 0 (WA0)');
    expect(list.html).toContain('alice (alice@ncsc.gov.uk)'); // the owner
    expect(list.html).toContain('28 February 2027'); // 90 days on
    expect(list.html).not.toContain(secret);
    const entries = await t.db.select().from(auditLog);
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(t.log.lines)).not.toContain(secret);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'Nightly export'));
    expect(row?.owner).toBe(`staff:${ALICE}`);
  });

  it('says what is wrong in the error summary', async () => {
    const alice = await signedIn({ role: 'admin', actor: `staff:${ALICE}` });
    const empty = await makeKey(alice, { name: '', role: '', expiry: '' });
    expect(empty.res.status).toBe(422);
    expect(titleOf(empty.res.html)).toMatch(/^Error: /);
    expect(empty.res.html).toContain('<a href="#name">Enter a name for the key</a>');
    expect(empty.res.html).toContain('<a href="#role">Choose the key’s role</a>');
    expect(empty.res.html).toContain('<a href="#expiry">Choose when the key expires</a>');
    const noWarp = await makeKey(alice, { name: 'x', role: 'warp' });
    expect(noWarp.res.html).toContain('<a href="#warp">Choose the WARP the key is for</a>');
    const unknown = await makeKey(alice, { name: 'x', role: 'council', authority: 'ZZZ9' });
    expect(unknown.res.status).toBe(422);
    expect(unknown.res.html).toContain('There is no authority with code');
    // Longer than a year is not offered, and refused when sent.
    const tooLong = await makeKey(alice, { name: 'x', role: 'admin', expiry: '3650' });
    expect(tooLong.res.status).toBe(422);
    expect(await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'x'))).toHaveLength(0);
  });

  it('a WARP operator makes only WARP keys of their own WARP, whatever the form says', async () => {
    const ops = await signedIn({ role: 'warp', warpId: 'wales', actor: 'staff:ops@wales.example' });
    const form = await ops.get('/api-keys/new');
    expect(form.html).not.toContain('value="admin"');
    const admin = await makeKey(ops, { name: 'sneaky', role: 'admin' });
    expect(admin.res.status).toBe(422);
    expect(admin.secret).toBeUndefined();
    const { secret } = await makeKey(ops, { name: 'wales feed', role: 'warp', warp: 'london' });
    expect(await (await t.call('GET', '/api/v1/me', { token: secret })).json()).toMatchObject({
      role: 'warp',
      warp: 'wales',
    });
  });

  it('a council makes only council keys of its own authority', async () => {
    const council = await signedIn({
      role: 'council',
      authorityCode: 'WA0',
      actor: 'mailbox:WA0-primary',
      mailboxId: 'WA0-primary',
    });
    const warp = await makeKey(council, { name: 'x', role: 'warp', warp: 'wales' });
    expect(warp.res.status).toBe(422);
    const { secret } = await makeKey(council, { name: 'our automation', role: 'council', authority: 'LO0' });
    expect(await (await t.call('GET', '/api/v1/me', { token: secret })).json()).toMatchObject({
      role: 'council',
      authority: 'WA0',
    });
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.name, 'our automation'));
    expect(row?.owner).toBe('mailbox:WA0-primary');
  });
});

describe('who sees and revokes which keys', () => {
  it('a WARP operator: their own keys of their WARP only; another’s key is not found', async () => {
    const ops = await signedIn({ role: 'warp', warpId: 'wales', actor: 'staff:ops@wales.example' });
    const other = await signedIn({ role: 'warp', warpId: 'wales', actor: 'staff:other-ops@wales.example' });
    await makeKey(ops, { name: 'mine', role: 'warp' });
    await makeKey(other, { name: 'theirs', role: 'warp' });
    const page = await ops.get('/api-keys');
    expect(page.html).toContain('mine');
    expect(page.html).not.toContain('theirs');
    const theirs = await t.db.query.apiTokens.findFirst({ where: eq(apiTokens.name, 'theirs') });
    const refused = await ops.submit(`/api-keys/${theirs!.id}/revoke`);
    expect(refused.status).toBe(404);
    expect(
      (await t.db.query.apiTokens.findFirst({ where: eq(apiTokens.name, 'theirs') }))?.revokedAt,
    ).toBeNull();
  });

  it('a council: its own authority’s keys only, not another council’s', async () => {
    const admin = await signedIn({ role: 'admin', actor: `staff:${ALICE}` });
    await makeKey(admin, { name: 'wa0 key', role: 'council', authority: 'WA0' });
    await makeKey(admin, { name: 'lo0 key', role: 'council', authority: 'LO0' });
    const council = await signedIn({
      role: 'council',
      authorityCode: 'WA0',
      actor: 'mailbox:WA0-primary',
      mailboxId: 'WA0-primary',
    });
    const page = await council.get('/api-keys');
    expect(page.status).toBe(200);
    expect(page.html).toContain('wa0 key');
    expect(page.html).not.toContain('lo0 key');
    const lo0 = await t.db.query.apiTokens.findFirst({ where: eq(apiTokens.name, 'lo0 key') });
    expect((await council.submit(`/api-keys/${lo0!.id}/revoke`)).status).toBe(404);
    // The recent changes do not name the other council's key either.
    expect(page.html.match(/lo0/g)).toBeNull();
    const anonymous = browser(t);
    expect((await anonymous.get('/api-keys')).status).not.toBe(200);
  });

  it('revoking ends the sessions opened with the key', async () => {
    const admin = await signedIn({ role: 'admin', actor: `staff:${ALICE}` });
    const { secret } = await makeKey(admin, { name: 'to revoke', role: 'admin' });
    const key = await t.db.query.apiTokens.findFirst({ where: eq(apiTokens.name, 'to revoke') });
    const session = await insertSession(t.db, { role: 'admin', actor: `token:${key!.id}` });
    await admin.get('/api-keys');
    const res = await admin.send(`/api-keys/${key!.id}/revoke`);
    expect(res.html).toContain('The key “to revoke” was revoked');
    expect(res.html).toMatch(/Revoked<\/td>\s*<td[^>]*>to revoke/);
    expect((await t.call('GET', '/api/v1/me', { token: secret })).status).toBe(401);
    const viaSession = await t.app.request('/api/v1/me', { headers: { cookie: session.cookie } });
    expect(viaSession.status).toBe(401);
    expect((await admin.submit(`/api-keys/${key!.id}/revoke`)).status).toBe(409);
  });
});

describe('the two-person rule with owned keys', () => {
  it('one person’s two keys, or their key and their session, are one person', async () => {
    const alice = await signedIn({ role: 'admin', actor: `staff:${ALICE}` });
    const first = await makeKey(alice, { name: 'alice 1', role: 'admin' });
    const second = await makeKey(alice, { name: 'alice 2', role: 'admin' });
    const { id } = await createAdvisory(t, first.secret!); // two WARPs: a second admin must approve
    const released = await t.call('POST', `/api/v1/advisories/${id}/release`, { token: first.secret });
    expect((await released.json()).state).toBe('awaiting-approval');
    const bySecondKey = await t.call('POST', `/api/v1/advisories/${id}/approve`, { token: second.secret });
    expect(bySecondKey.status).toBe(403);
    await alice.get(`/advisories/${id}/approve`);
    const bySession = await alice.submit(`/advisories/${id}/approve`);
    expect(bySession.status).not.toBe(303);
    expect((await t.db.query.advisories.findFirst())?.state).toBe('awaiting-approval');
    // Bob's key is another person's.
    const bob = await signedIn({ role: 'admin', actor: 'staff:bob@ncsc.gov.uk' });
    const bobs = await makeKey(bob, { name: 'bob', role: 'admin' });
    expect((await t.call('POST', `/api/v1/advisories/${id}/approve`, { token: bobs.secret })).status).toBe(
      200,
    );
  });
});
