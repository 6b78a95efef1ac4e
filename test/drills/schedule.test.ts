// Scheduling, listing and cancelling drills, and who may: an admin any audience, a WARP operator only its
// members (403 and nothing written otherwise), a council and anonymous callers never; a recurring drill
// schedules its successor exactly once, even when two schedulers start it at the same moment.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, drills } from '../../src/db/schema.js';
import { runDrills } from '../../src/features/drills/run-drills.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { makeRacingApp } from '../support/racing-app.js';
import { drillRow, pathsOf, runJob, schedule, seedPaths } from './support.js';

let t: TestApp;
let admin: string;
let walesOperator: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedPaths(t);
  admin = await t.tokenFor('admin');
  walesOperator = await t.tokenFor('warp', { warp: 'wales' });
});
afterEach(() => t.close());

const count = async () => (await t.db.select().from(drills)).length;

describe('scheduling a drill', () => {
  it('an admin schedules any audience; references count up per year; audited once', async () => {
    const a = await schedule(t, admin, { audience: { all: true }, windowHours: 12, recurrence: 'quarterly' });
    const b = await schedule(t, admin, {
      audience: { nations: ['England'] },
      scheduledFor: '2026-12-10T09:00:00Z',
    });
    expect([a.reference, b.reference]).toEqual(['DRILL-2026-0001', 'DRILL-2026-0002']);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, 'drill.schedule'))).toHaveLength(2);
    const row = await drillRow(t, a.id);
    expect(row).toMatchObject({ state: 'scheduled', windowHours: 12, recurrence: 'quarterly', warpId: null });
  });

  it('a WARP operator schedules for its own members; anything else is a 403 with nothing written', async () => {
    const own = await schedule(t, walesOperator, { audience: { warps: ['wales'] } });
    expect((await drillRow(t, own.id)).warpId).toBe('wales');
    for (const audience of [
      { warps: ['london'] },
      { authorities: ['CMD'] },
      { authorities: ['CRF', 'CMD'] },
    ]) {
      const res = await t.call('POST', '/api/v1/drills', { token: walesOperator, body: { audience } });
      expect(res.status, JSON.stringify(audience)).toBe(403);
    }
    expect(await count()).toBe(1);
    // "All" for a WARP operator is its members only.
    const all = await schedule(t, walesOperator, { audience: { all: true } });
    await runJob(t);
    expect(new Set((await pathsOf(t, all.id)).map((p) => p.authorityCode))).toEqual(new Set(['CRF', 'NWP']));
  });

  it('councils and anonymous callers cannot schedule, list or cancel', async () => {
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const drill = await schedule(t, admin, { audience: { all: true } });
    for (const token of [council, undefined]) {
      expect(
        (await t.call('POST', '/api/v1/drills', { token, body: { audience: { all: true } } })).status,
      ).toBe(token ? 403 : 401);
      expect((await t.call('GET', '/api/v1/drills', { token })).status).toBe(token ? 403 : 401);
      expect((await t.call('POST', `/api/v1/drills/${drill.id}/cancel`, { token })).status).toBe(
        token ? 403 : 401,
      );
    }
    expect(await count()).toBe(1);
    expect((await drillRow(t, drill.id)).state).toBe('scheduled');
  });

  it('refuses bad input: a past time, an unknown WARP or council, a window out of range', async () => {
    for (const body of [
      { audience: { all: true }, scheduledFor: '2026-11-01T09:00:00Z' },
      { audience: { warps: ['atlantis'] } },
      { audience: { authorities: ['ZZZ'] } },
      { audience: { all: true }, windowHours: 0 },
      { audience: { all: true }, recurrence: 'weekly' },
      { audience: {} },
    ]) {
      const res = await t.call('POST', '/api/v1/drills', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await count()).toBe(0);
  });

  it('lists: an admin sees every drill, a WARP operator only its own WARP’s', async () => {
    const ncsc = await schedule(t, admin, { audience: { all: true } });
    const wales = await schedule(t, walesOperator, { audience: { warps: ['wales'] } });
    const londonOperator = await t.tokenFor('warp', { warp: 'london' });
    const ids = async (token: string) =>
      (
        (await (await t.call('GET', '/api/v1/drills', { token })).json()) as { items: Array<{ id: string }> }
      ).items
        .map((d) => d.id)
        .sort();
    expect(await ids(admin)).toEqual([ncsc.id, wales.id].sort());
    expect(await ids(walesOperator)).toEqual([wales.id]);
    expect(await ids(londonOperator)).toEqual([]);
  });
});

describe('the API reference', () => {
  it('documents every drill operation', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const path of [
      '/api/v1/drills',
      '/api/v1/drills/{id}/start',
      '/api/v1/drills/{id}/cancel',
      '/api/v1/drills/{id}/report',
      '/api/v1/drills/{id}/report.csv',
    ])
      expect(doc.paths[path], path).toBeDefined();
  });
});

describe('cancelling a drill', () => {
  it('before it starts: nothing is ever sent; after it started: 409', async () => {
    const drill = await schedule(t, walesOperator, { audience: { warps: ['wales'] } });
    const londonOperator = await t.tokenFor('warp', { warp: 'london' });
    // Another WARP's operator does not even see it.
    expect(
      (await t.call('POST', `/api/v1/drills/${drill.id}/cancel`, { token: londonOperator })).status,
    ).toBe(404);
    const res = await t.call('POST', `/api/v1/drills/${drill.id}/cancel`, { token: walesOperator });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: 'cancelled',
      cancelledBy: expect.stringMatching(/^token:/),
    });
    await runJob(t);
    expect(await pathsOf(t, drill.id)).toEqual([]);
    expect(t.mailer.sent.filter((m) => m.headers?.['X-Drill'])).toEqual([]);
    expect((await t.call('POST', `/api/v1/drills/${drill.id}/cancel`, { token: admin })).status).toBe(409);

    const started = await schedule(t, admin, { audience: { all: true } });
    await runJob(t);
    expect((await t.call('POST', `/api/v1/drills/${started.id}/cancel`, { token: admin })).status).toBe(409);
    expect((await drillRow(t, started.id)).state).toBe('running');
  });
});

describe('finishing and recurring', () => {
  it('finishes when the window closes; a recurring drill schedules its successor when it starts', async () => {
    const drill = await schedule(t, admin, {
      audience: { nations: ['Wales'] },
      recurrence: 'quarterly',
      windowHours: 24,
    });
    const first = await runJob(t);
    expect(first.started).toEqual([drill.reference]);
    const all = await t.db.select().from(drills);
    expect(all).toHaveLength(2);
    const next = all.find((d) => d.id !== drill.id)!;
    const original = await drillRow(t, drill.id);
    expect(next).toMatchObject({
      state: 'scheduled',
      previousId: drill.id,
      recurrence: 'quarterly',
      windowHours: 24,
      audience: { nations: ['Wales'] },
      reference: 'DRILL-2026-0002',
    });
    const expected = new Date(original.scheduledFor);
    expected.setUTCMonth(expected.getUTCMonth() + 3);
    expect(next.scheduledFor.toISOString()).toBe(expected.toISOString());

    t.clock.advance(23 * 3600_000);
    expect((await runJob(t)).finished).toEqual([]);
    t.clock.advance(3600_000);
    expect((await runJob(t)).finished).toEqual([drill.reference]);
    expect((await drillRow(t, drill.id)).state).toBe('finished');
    expect(await t.db.select().from(drills)).toHaveLength(2);
  });

  it('two schedulers starting the same drill at once: one starts it, one successor, paths once', async () => {
    const r = await makeRacingApp();
    try {
      await seedPaths(r);
      const token = await r.tokenFor('admin');
      const res = await r.call('POST', '/api/v1/drills', {
        token,
        body: { audience: { all: true }, recurrence: 'monthly' },
      });
      const drill = (await res.json()) as { id: string };
      const [a, b] = await Promise.all([runDrills(r.deps), runDrills(r.deps)]);
      expect([...a.started, ...b.started]).toHaveLength(1);
      const rows = await r.db.select().from(drills);
      expect(rows).toHaveLength(2);
      expect(rows.filter((d) => d.previousId === drill.id)).toHaveLength(1);
      expect(await pathsOf(r, drill.id)).toHaveLength(7);
      expect(await r.db.select().from(auditLog).where(eq(auditLog.action, 'drill.start'))).toHaveLength(1);
      expect(r.mailer.sent.filter((m) => m.headers?.['X-Drill'])).toHaveLength(5);
    } finally {
      r.close();
    }
  });
});
