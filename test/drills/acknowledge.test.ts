// Acknowledging a drill by the e-mail's link and by the text's short link: GET shows a page and changes
// nothing, POST records it once; forged links, other purposes' tokens and cancelled drills are "not
// valid" with nothing changed; after the window it is recorded as late.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, drillPaths, drills } from '../../src/db/schema.js';
import { signedToken } from '../../src/features/advisories/signing-key.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { ackPathIn, pathsOf, runJob, schedule, seedPaths } from './support.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  admin = await t.tokenFor('admin');
  await seedPaths(t);
});
afterEach(() => t.close());

const page = (path: string, method = 'GET') =>
  t.app.request(path, { method, headers: { accept: 'text/html' } });

async function acknowledgedPaths(drillId: string) {
  return (await pathsOf(t, drillId)).filter((p) => p.acknowledgedAt !== null);
}

describe('acknowledging a drill', () => {
  it('by the e-mail link: GET changes nothing, POST records that path once and thanks them', async () => {
    const drill = await schedule(t, admin, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    const link = ackPathIn(t.mailer.to('soc@cardiff.gov.uk')[0]!.text);

    const shown = await page(link);
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain(`Acknowledge drill ${drill.reference} for Cardiff Council`);
    expect(html).toContain('This is an exercise, not a security advisory');
    expect(await acknowledgedPaths(drill.id)).toEqual([]);

    const done = await page(link, 'POST');
    expect(done.status).toBe(200);
    const thanks = await done.text();
    expect(thanks).toContain('Drill acknowledged');
    expect(thanks).toContain('This was an exercise, not a security advisory');
    const acked = await acknowledgedPaths(drill.id);
    expect(acked.map((p) => p.target)).toEqual(['soc@cardiff.gov.uk']);
    expect(acked[0]!.acknowledgedAt).toBe(t.clock.now().getTime());

    // Twice: the first time is kept, one audit entry.
    t.clock.advance(60_000);
    const again = await t.call('POST', link);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      alreadyAcknowledged: true,
      drill: drill.reference,
      late: false,
    });
    const after = await acknowledgedPaths(drill.id);
    expect(after[0]!.acknowledgedAt).toBe(acked[0]!.acknowledgedAt);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'drill.acknowledge'));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actor).toBe(`drill-path:${acked[0]!.id}`);
  });

  it('by the text’s short link /d/<token>', async () => {
    const drill = await schedule(t, admin, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    const [text] = t.sms.sent;
    const link = ackPathIn(text!.text, 'sms');
    expect(link).toMatch(/^\/d\//);
    expect((await page(link)).status).toBe(200);
    const res = await t.call('POST', link);
    expect(res.status).toBe(200);
    const acked = await acknowledgedPaths(drill.id);
    expect(acked.map((p) => `${p.channel} ${p.target}`)).toEqual(['sms +447700900123']);
  });

  it('refuses forged tokens, other purposes’ tokens and tokens of a path that does not exist, changing nothing', async () => {
    const drill = await schedule(t, admin, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    const [path] = await pathsOf(t, drill.id);
    const good = await signedToken(t.deps, 'drill-ack', path!.id);
    const forged = `${path!.id}.${'A'.repeat(32)}`;
    const advisoryToken = await signedToken(t.deps, 'ack', path!.id);
    const nobody = await signedToken(t.deps, 'drill-ack', 'a'.repeat(26));
    for (const token of [forged, advisoryToken, nobody, 'nonsense']) {
      const shown = await page(`/drills/ack/${token}`);
      expect(shown.status).toBe(404);
      expect(await shown.text()).toContain('This link is not valid');
      expect((await page(`/d/${token}`, 'POST')).status).toBe(404);
      expect((await t.call('POST', `/drills/ack/${token}`)).status).toBe(404);
    }
    expect(await acknowledgedPaths(drill.id)).toEqual([]);
    // The advisory acknowledgement page does not take a drill's token either.
    expect((await page(`/ack/${good}`)).status).toBe(404);
  });

  it('a cancelled drill’s link is not valid', async () => {
    const drill = await schedule(t, admin, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    const [path] = await pathsOf(t, drill.id);
    // A drill cannot be cancelled once started; a path of one that was (written directly) must not count.
    await t.db.update(drills).set({ state: 'cancelled' }).where(eq(drills.id, drill.id));
    const token = await signedToken(t.deps, 'drill-ack', path!.id);
    expect((await page(`/drills/ack/${token}`, 'POST')).status).toBe(404);
    expect(await acknowledgedPaths(drill.id)).toEqual([]);
  });

  it('after the window closes it is still recorded, as late', async () => {
    const drill = await schedule(t, admin, { audience: { authorities: ['NWP'] }, windowHours: 2 });
    await runJob(t);
    const link = ackPathIn(t.mailer.to('cyber@newport.gov.uk')[0]!.text);
    t.clock.advance(3 * 3600_000);
    const finished = await runJob(t);
    expect(finished.finished).toEqual([drill.reference]);
    const res = await t.call('POST', link);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ alreadyAcknowledged: false, late: true });
    const report = (await (
      await t.call('GET', `/api/v1/drills/${drill.id}/report`, { token: admin })
    ).json()) as {
      total: { acknowledged: number; acknowledgedInWindow: number };
      councils: Array<{ late: boolean }>;
    };
    expect(report.total).toMatchObject({ acknowledged: 1, acknowledgedInWindow: 0 });
    expect(report.councils[0]!.late).toBe(true);
    const [row] = await t.db.select().from(drillPaths).where(eq(drillPaths.drillId, drill.id));
    expect(row!.acknowledgedAt).toBe(t.clock.now().getTime());
  });
});
