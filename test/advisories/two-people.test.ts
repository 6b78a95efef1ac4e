// The two-person rule counts people, not credentials: a token made with another token, or with a session
// opened from it, is the same person's; so is a token a staff member made from their session.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { personOf } from '../../src/features/auth/people.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { createAdvisory, seedFanOut } from './fanout-support.js';

let t: TestApp;
let author: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
  author = await t.tokenFor('admin');
});
afterEach(() => t.close());

/** A new admin token made through the API (the typed client) with `maker`'s credentials. */
async function mintWith(maker: string, name = 'second') {
  const { data, error, response } = await t
    .api(maker)
    .POST('/api/v1/tokens', { body: { role: 'admin', name } });
  expect(response.status, JSON.stringify(error)).toBe(201);
  return data!;
}

async function awaitingApproval() {
  const { id } = await createAdvisory(t, author); // two WARPs: a second admin must approve
  const released = await t.api(author).POST('/api/v1/advisories/{id}/release', { params: { path: { id } } });
  expect(released.data?.state).toBe('awaiting-approval');
  return id;
}

describe('the second admin of a release', () => {
  it('cannot be the releasing admin behind a token they minted, or one minted from that', async () => {
    const id = await awaitingApproval();
    const minted = await mintWith(author);
    const mintedAgain = await mintWith(minted.token, 'third');
    for (const token of [minted.token, mintedAgain.token]) {
      const res = await t.api(token).POST('/api/v1/advisories/{id}/approve', { params: { path: { id } } });
      expect(res.response.status).toBe(403);
      expect(res.error?.detail).toMatch(/not its author, and not whoever released it/);
    }
    const other = await t.tokenFor('admin'); // another person's token (made at the command line)
    const approved = await t.api(other).POST('/api/v1/advisories/{id}/approve', { params: { path: { id } } });
    expect(approved.response.status).toBe(200);
  });

  it('follows tokens to the staff member whose session made them', async () => {
    await t.db.run(
      "insert into api_tokens (id, name, role, token_hash, created_by, created_at) values ('made-by-alice', 'alice', 'admin', 'h1', 'staff:alice@ncsc.gov.uk', 0), ('made-by-that', 'alice 2', 'admin', 'h2', 'token:made-by-alice', 0)",
    );
    expect(await personOf(t.deps, 'token:made-by-that')).toBe('staff:alice@ncsc.gov.uk');
    expect(await personOf(t.deps, 'staff:alice@ncsc.gov.uk')).toBe('staff:alice@ncsc.gov.uk');
    expect(await personOf(t.deps, 'cli')).toBe('cli');
  });
});

describe('test audiences', () => {
  it('hold only staff and confirmed mailboxes within the sender’s scope', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const admin = await t.tokenFor('admin');
    // A confirmed mailbox of a London council, and an outside address: not for the Wales WARP.
    const outside = await t.call('PUT', '/api/v1/test-audiences/wales.desk', {
      token: wales,
      body: { addresses: ['primary@wa0.gov.uk', 'primary@lo0.gov.uk', 'someone@gmail.example'] },
    });
    expect(outside.status).toBe(422);
    const errors = (await outside.json()).errors as Array<{ path: string }>;
    expect(errors.map((e) => e.path)).toEqual(['addresses.1', 'addresses.2']);
    // Its own member's confirmed mailbox is fine.
    const own = await t.call('PUT', '/api/v1/test-audiences/wales.desk', {
      token: wales,
      body: { addresses: ['primary@wa0.gov.uk'] },
    });
    expect(own.status).toBe(201);
    // An admin may not test with an arbitrary address either.
    const arbitrary = await t.call('PUT', '/api/v1/test-audiences/ncsc-desk', {
      token: admin,
      body: { addresses: ['attacker@evil.example'] },
    });
    expect(arbitrary.status).toBe(422);
  });

  it('are checked again at release: an address no longer allowed stops the test', async () => {
    const admin = await t.tokenFor('admin');
    const put = await t.call('PUT', '/api/v1/test-audiences/ncsc-desk', {
      token: admin,
      body: { addresses: ['primary@wa0.gov.uk'] },
    });
    expect(put.status).toBe(201);
    const { id } = await createAdvisory(t, admin, { test: true, testAudience: 'ncsc-desk' });
    await t.db.run("update mailboxes set state = 'retired' where address = 'primary@wa0.gov.uk'");
    const res = await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    expect(res.status).toBe(409);
    expect((await res.json()).refused).toEqual(['primary@wa0.gov.uk']);
    expect(t.mailer.sent).toHaveLength(0);
  });
});
