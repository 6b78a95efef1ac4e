// API tokens through the typed client: an admin makes a scoped token, sees it listed without its secret,
// the token works as what it was made for, and once revoked it opens nothing. No one else may manage tokens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedCouncils } from '../support/fixtures.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

describe('API tokens', () => {
  it('makes a council token that acts for its council only, lists it without the secret, and revokes it', async () => {
    const created = await t
      .api(admin)
      .POST('/api/v1/tokens', { body: { role: 'council', name: 'cardiff soc', authority: 'CRF' } });
    expect(created.response.status).toBe(201);
    const { id, token } = created.data!;
    expect(token).toEqual(expect.any(String));

    const me = await t.api(token).GET('/api/v1/me');
    expect(me.data).toMatchObject({ role: 'council', authority: 'CRF', actor: `token:${id}` });

    const listed = await t.api(admin).GET('/api/v1/tokens');
    const item = listed.data?.items.find((i) => i.id === id);
    expect(item).toMatchObject({ name: 'cardiff soc', role: 'council', authority: 'CRF', revokedAt: null });
    expect(JSON.stringify(listed.data)).not.toContain(token);

    const revoked = await t.api(admin).DELETE('/api/v1/tokens/{id}', { params: { path: { id } } });
    expect(revoked.response.status).toBe(200);
    const after = await t.api(token).GET('/api/v1/me');
    expect(after.response.status).toBe(401);
    expect(after.error?.code).toBe('unauthenticated');
  });

  it('lets no one but an admin list, make or revoke tokens', async () => {
    const others = [
      undefined,
      await t.tokenFor('warp', { warp: 'wales' }),
      await t.tokenFor('council', { authority: 'CRF' }),
      await t.tokenFor('inbound'),
    ];
    const victim = (await t.api(admin).POST('/api/v1/tokens', { body: { role: 'admin', name: 'keep' } }))
      .data!;
    for (const token of others) {
      const who = token ? 'a non-admin token' : 'anonymous';
      const expected = token ? 403 : 401;
      expect((await t.api(token).GET('/api/v1/tokens')).response.status, who).toBe(expected);
      const made = await t.api(token).POST('/api/v1/tokens', { body: { role: 'admin', name: 'mine' } });
      expect(made.response.status, who).toBe(expected);
      const gone = await t.api(token).DELETE('/api/v1/tokens/{id}', { params: { path: { id: victim.id } } });
      expect(gone.response.status, who).toBe(expected);
    }
    expect((await t.api(victim.token).GET('/api/v1/me')).response.status).toBe(200);
  });
});
