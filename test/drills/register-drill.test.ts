// A drill to the whole real register (397 current councils, the default WARPs): written in bounded
// slices, every council tried once, and a report whose per-group figures add up to the total.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorities, drillPaths, outboundMail } from '../../src/db/schema.js';
import type { DrillReport } from '../../src/features/drills/report.js';
import { importSharedRegister } from '../coverage/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertRows, mailboxRow } from '../support/fixtures.js';
import { ackPathIn, insertMobile, runJob, schedule } from './support.js';

let t: TestApp;
let councils: Array<{ code: string }>;
beforeAll(async () => {
  t = await makeTestApp();
  await importSharedRegister(t);
  councils = await t.db
    .select({ code: authorities.code })
    .from(authorities)
    .where(eq(authorities.current, true))
    .orderBy(authorities.code);
  await insertRows(t.db, {
    mailboxes: councils.map((c) =>
      mailboxRow({ authorityCode: c.code, address: `cyber@${c.code.toLowerCase()}.gov.uk` }),
    ),
  });
  for (const c of councils.filter((_, i) => i % 10 === 0))
    await insertMobile(t.db, { authorityCode: c.code });
});
afterAll(() => t.close());

describe('a drill to every council of the register', () => {
  it('is written in slices, each council once, and reports per nation, region, WARP and type', async () => {
    expect(councils.length).toBeGreaterThanOrEqual(397);
    const admin = await t.tokenFor('admin');
    const drill = await schedule(t, admin, { audience: { all: true } });
    const mobiles = Math.ceil(councils.length / 10);
    const runs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const run = await runJob(t, 150);
      runs.push(run.paths);
      if (!run.more) break;
    }
    // Bounded: no run wrote more than its limit (a council is never split, and none has more than 2 paths).
    expect(Math.max(...runs)).toBeLessThanOrEqual(150);
    expect(runs.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    const paths = await t.db.select().from(drillPaths).where(eq(drillPaths.drillId, drill.id));
    expect(paths).toHaveLength(councils.length + mobiles);
    expect(new Set(paths.map((p) => p.authorityCode)).size).toBe(councils.length);
    expect(await t.db.select().from(outboundMail).where(eq(outboundMail.purpose, 'drill'))).toHaveLength(
      councils.length,
    );

    // Every third council acknowledges, a minute apart.
    const started = t.clock.now().getTime();
    const answering = councils.filter((_, i) => i % 3 === 0);
    for (const [i, c] of answering.entries()) {
      t.clock.set(new Date(started + (i + 1) * 60_000));
      const res = await t.call(
        'POST',
        ackPathIn(t.mailer.to(`cyber@${c.code.toLowerCase()}.gov.uk`)[0]!.text),
      );
      expect(res.status).toBe(200);
    }
    const res = await t.call('GET', `/api/v1/drills/${drill.id}/report`, { token: admin });
    expect(res.status).toBe(200);
    const r = (await res.json()) as DrillReport;
    expect(r.total).toMatchObject({
      councils: councils.length,
      reached: councils.length,
      acknowledged: answering.length,
      acknowledgedInWindow: answering.length,
    });
    // Times 60, 120, … n·60 s: the median and 90th percentile of 1..n minutes.
    const n = answering.length;
    expect(r.total.medianSeconds).toBe(n % 2 ? ((n + 1) / 2) * 60 : (n / 2 + 0.5) * 60);
    expect(r.total.p90Seconds).toBe(Math.ceil(0.9 * n) * 60);
    for (const groups of Object.values(r.groups)) {
      expect(groups.reduce((s, g) => s + g.councils, 0)).toBe(councils.length);
      expect(groups.reduce((s, g) => s + g.acknowledged, 0)).toBe(answering.length);
    }
    expect(r.groups.nation.map((g) => g.group)).toEqual(['England', 'Northern Ireland', 'Scotland', 'Wales']);
    expect(r.groups.warp.length).toBeGreaterThanOrEqual(10);
    expect(r.neverAnswered).toHaveLength(councils.length - answering.length);

    // Once the drill has closed, coverage counts the councils that answered within 24 hours as
    // responsive, by every grouping, and the chase list names those that did not.
    t.clock.set(new Date(started + 25 * 3600_000));
    await runJob(t);
    const finished = await (await t.call('GET', `/api/v1/drills/${drill.id}`, { token: admin })).json();
    expect(finished.state).toBe('finished');
    for (const by of ['nation', 'region', 'warp', 'type']) {
      const coverage = await (await t.call('GET', `/api/v1/coverage?by=${by}`, { token: admin })).json();
      expect(coverage.total, by).toMatchObject({ responsive: answering.length });
      const sum = coverage.groups.reduce((n: number, g: { responsive: number }) => n + g.responsive, 0);
      expect(sum, by).toBe(answering.length);
    }
    const chase = await (
      await t.call('GET', '/api/v1/coverage/chase?concern=unresponsive&limit=500', { token: admin })
    ).json();
    expect(chase.total).toBe(councils.length - answering.length);
    expect(chase.items[0].concerns[0].reason).toContain(`Did not answer the last drill (${drill.reference}`);
    const answered = new Set(answering.map((c) => c.code));
    expect(chase.items.some((i: { code: string }) => answered.has(i.code))).toBe(false);
  });
});
