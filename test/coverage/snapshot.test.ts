// Daily coverage snapshots with a fixed clock: one set of rows per UK day, replaced (not added to) when taken
// again the same day, and read back as history for plotting.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageSnapshots, mailboxes } from '../../src/db/schema.js';
import { coverageReport, dimensions } from '../../src/features/coverage/report.js';
import { addDays, snapshotCoverage, ukDayKey } from '../../src/features/coverage/snapshot.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertMailbox } from '../support/fixtures.js';
import { expectedTotal, importSharedRegister, seedKnownCoverage } from './support.js';

let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-11-30T09:00:00Z' });
  await importSharedRegister(t);
  await seedKnownCoverage(t);
}, 60_000);
afterAll(() => t.close());

const rowsOf = (day: string) => t.db.select().from(coverageSnapshots).where(eq(coverageSnapshots.day, day));

describe('snapshotCoverage', () => {
  it('stores the total and every group of every dimension for the UK day', async () => {
    const result = await snapshotCoverage(t.deps);
    expect(result.day).toBe('2026-11-30');
    let groups = 0;
    for (const by of dimensions) groups += (await coverageReport(t.deps, { by })).groups.length;
    expect(result.rows).toBe(groups + 1);
    const rows = await rowsOf('2026-11-30');
    expect(rows).toHaveLength(result.rows);
    const total = rows.find((r) => r.dimension === 'total')!;
    expect(total.key).toBe('all');
    // Nobody in the known subset has two independent paths or has been drilled.
    expect(total.counts).toEqual({ ...expectedTotal, resilient: 0, responsive: 0 });
    const wales = rows.find((r) => r.dimension === 'nation' && r.key === 'Wales')!;
    expect(wales.counts.authorities).toBe(22);
    expect(JSON.stringify(rows)).not.toMatch(/@|Council/);
  });

  it('is idempotent per day: taking it again replaces that day’s rows', async () => {
    const before = await t.db.select().from(coverageSnapshots);
    await insertMailbox(t.db, { authorityCode: 'KEC' }); // one more confirmed council
    t.clock.set('2026-11-30T18:00:00Z');
    const again = await snapshotCoverage(t.deps);
    const after = await t.db.select().from(coverageSnapshots);
    expect(after).toHaveLength(before.length);
    expect(again.day).toBe('2026-11-30');
    const total = after.find((r) => r.dimension === 'total')!;
    expect(total.counts.confirmed).toBe(expectedTotal.confirmed + 1);
    expect(total.takenAt.toISOString()).toBe('2026-11-30T18:00:00.000Z');
    await snapshotCoverage(t.deps);
    expect(await t.db.select().from(coverageSnapshots)).toHaveLength(before.length);
  });

  it('starts a new day at midnight UK time, not UTC', () => {
    expect(ukDayKey(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01'); // BST
    expect(ukDayKey(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31'); // GMT
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('GET /api/v1/coverage/history', () => {
  it('answers one entry per day with a snapshot, oldest first, each with the total and its groups', async () => {
    t.clock.set('2026-12-01T09:00:00Z');
    await t.db.update(mailboxes).set({ staleAt: null }).where(eq(mailboxes.authorityCode, 'NWP'));
    await snapshotCoverage(t.deps);
    const res = await t.call('GET', '/api/v1/coverage/history?by=nation&from=2026-11-01&to=2026-12-31');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      by: string;
      from: string;
      to: string;
      days: Array<{ day: string; total: Record<string, unknown>; groups: Array<Record<string, unknown>> }>;
    };
    expect(body).toMatchObject({ by: 'nation', from: '2026-11-01', to: '2026-12-31' });
    expect(body.days.map((d) => d.day)).toEqual(['2026-11-30', '2026-12-01']);
    const [first, second] = body.days;
    expect(first!.total).toMatchObject({
      key: 'all',
      authorities: 397,
      confirmed: expectedTotal.confirmed + 1,
    });
    expect(second!.total).toMatchObject({
      confirmed: expectedTotal.confirmed + 2,
      stale: expectedTotal.stale - 1,
    });
    expect(second!.groups.map((g) => g.key)).toEqual(['England', 'Northern Ireland', 'Scotland', 'Wales']);
    for (const g of second!.groups)
      for (const field of [
        'label',
        'authorities',
        'confirmed',
        'pending',
        'stale',
        'unreachable',
        'none',
        'percentConfirmed',
      ])
        expect(g).toHaveProperty(field);
    expect(second!.groups.find((g) => g.key === 'Wales')).toMatchObject({
      confirmed: 2,
      stale: 0,
      percentConfirmed: 9.1,
    });

    const warps = (await (
      await t.call('GET', '/api/v1/coverage/history?by=warp&from=2026-12-01', {
        token: await t.tokenFor('admin'),
      })
    ).json()) as {
      days: Array<{ groups: Array<{ key: string; label: string }> }>;
    };
    expect(warps.days).toHaveLength(1);
    expect(warps.days[0]!.groups.find((g) => g.key === 'wales')?.label).toBe('Wales WARP');
  });

  it('defaults to the last 90 days up to today (UK)', async () => {
    const body = (await (await t.call('GET', '/api/v1/coverage/history')).json()) as {
      by: string;
      from: string;
      to: string;
      days: unknown[];
    };
    expect(body).toMatchObject({ by: 'nation', from: '2026-09-03', to: '2026-12-01' });
    expect(body.days).toHaveLength(2);
  });

  it('refuses a range that ends before it starts, or a bad date', async () => {
    for (const q of [
      'from=2026-12-02&to=2026-12-01',
      'from=yesterday',
      'from=2000-01-01&to=2026-12-01',
      'by=county',
    ]) {
      const res = await t.call('GET', `/api/v1/coverage/history?${q}`);
      expect(res.status, q).toBe(422);
    }
  });
});

describe('POST /api/v1/coverage/snapshots', () => {
  it('lets an admin take today’s snapshot now, and nobody else', async () => {
    const res = await t.call('POST', '/api/v1/coverage/snapshots', { token: await t.tokenFor('admin') });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ day: '2026-12-01' });
    const warp = await t.call('POST', '/api/v1/coverage/snapshots', {
      token: await t.tokenFor('warp', { warp: 'wales' }),
    });
    expect(warp.status).toBe(403);
    expect((await t.call('POST', '/api/v1/coverage/snapshots')).status).toBe(401);
  });
});
