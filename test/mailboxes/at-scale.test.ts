// More than 100 of anything at once on Node (libsql), the same work the workerd test runs on D1: a
// re-confirmation sweep with 160 due mailboxes, then their staleness, and a WARP with 50 operators.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepReconfirmations } from '../../src/features/reachability/reconfirm.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertCouncils, insertWarp, TEST_NOW } from '../support/fixtures.js';

const DUE = 160;
const DAY = 86_400_000;
let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await insertWarp(t.db, { id: 'testshire', name: 'Testshire WARP' });
  // Confirmed 200 days ago (RECONFIRM_DAYS is 180): all 160 fall due at once.
  await insertCouncils(t.db, {
    count: DUE,
    at: new Date(new Date(TEST_NOW).getTime() - 200 * DAY),
    authority: () => ({ warpId: 'testshire' }),
  });
});
afterEach(() => t.close());

const count = async (query: ReturnType<typeof sql>) =>
  Number((await t.db.all<{ n: number }>(query))[0]?.n ?? 0);

describe('160 due mailboxes at once', () => {
  it('get their re-confirmation links in one sweep, then turn stale together after the grace period', async () => {
    const first = await sweepReconfirmations(t.deps);
    expect(first.linksSent).toHaveLength(DUE);
    expect(t.mailer.sent).toHaveLength(DUE);
    t.clock.advance(31 * DAY);
    const second = await sweepReconfirmations(t.deps);
    expect(second.stale).toHaveLength(DUE);
    expect(await count(sql`select count(*) as n from mailboxes where stale_at is not null`)).toBe(DUE);
  });

  it('a WARP saves and reads back 50 operators', async () => {
    const admin = await t.tokenFor('admin');
    const operators = Array.from({ length: 50 }, (_, i) => ({ address: `op${i}@testshire-warp.gov.uk` }));
    const put = await t.call('PUT', '/api/v1/warps/testshire/operators', {
      token: admin,
      body: { operators },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const got = await (await t.call('GET', '/api/v1/warps/testshire/operators', { token: admin })).json();
    expect(got.operators).toHaveLength(50);
  });
});
