// The drill report: per council (paths, delivery status from the carrying message, reached, first
// acknowledgement, time to acknowledge), per group (median and 90th percentile worked out by hand here),
// never answered, failed paths; the CSV; who may see it (a WARP operator its own drills' members, masked
// numbers; admins all; councils and anonymous callers nothing).
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import { smsMessages } from '../../src/db/schema.js';
import type { DrillReport } from '../../src/features/drills/report.js';
import { median, percentile90 } from '../../src/features/drills/report.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertMailbox } from '../support/fixtures.js';
import { ackPathIn, pathsOf, runJob, schedule, seedPaths } from './support.js';

let t: TestApp;
let admin: string;
const mailer = memoryMailer((m) =>
  m.to === 'soc@cardiff.gov.uk'
    ? { status: 'permanent-failure', reply: '550 5.1.1 User unknown' }
    : undefined,
);

beforeEach(async () => {
  mailer.sent.length = 0;
  t = await makeTestApp({ deps: { mailer } });
  await seedPaths(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

const report = async (id: string, token = admin) => {
  const res = await t.call('GET', `/api/v1/drills/${id}/report`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as DrillReport;
};

const ackAfter = async (address: string, seconds: number, startedAt: number) => {
  t.clock.set(new Date(startedAt + seconds * 1000));
  const res = await t.call('POST', ackPathIn(mailer.to(address)[0]!.text));
  expect(res.status).toBe(200);
};

describe('median and 90th percentile', () => {
  it('as defined: the middle (mean of two middles), and the nearest rank ⌈0.9·n⌉', () => {
    expect(median([])).toBeNull();
    expect(median([30])).toBe(30);
    expect(median([60, 10, 30])).toBe(30);
    expect(median([10, 20, 30, 40])).toBe(25);
    expect(percentile90([10, 20, 30, 40])).toBe(40); // ⌈3.6⌉ = 4th
    expect(percentile90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(9); // ⌈9⌉ = 9th
    expect(percentile90([5])).toBe(5);
  });
});

describe('a drill report', () => {
  it('per council, per group, never answered and failed paths, from the messages’ own statuses', async () => {
    // Two more English councils in London WARP, so a group has several times in it.
    for (const code of ['HAC', 'ISL']) {
      await insertAuthority(t.db, {
        code,
        name: `London Borough ${code}`,
        region: 'London',
        type: 'LBO',
        typeName: 'London borough',
        warpId: 'london',
      });
      await insertMailbox(t.db, { authorityCode: code, address: `cyber@${code.toLowerCase()}.gov.uk` });
    }
    const drill = await schedule(t, admin, { audience: { all: true }, windowHours: 24 });
    const started = t.clock.now().getTime();
    await runJob(t);
    // Camden's text was delivered; Cardiff's is still with the provider.
    const [cmdText] = await t.db.select().from(smsMessages).where(eq(smsMessages.toNumber, '+447700900321'));
    await t.db
      .update(smsMessages)
      .set({ status: 'delivered', deliveredAt: started })
      .where(eq(smsMessages.id, cmdText!.id));

    // Time to acknowledge: CRF 600 s (by its out-of-hours mailbox; the primary later), CMD 1800 s, HAC 7200 s,
    // ISL after the window (90000 s, late); NWP never.
    await ackAfter('ooh@cardiff.gov.uk', 600, started);
    await ackAfter('cyber@cardiff.gov.uk', 900, started);
    await ackAfter('cyber@camden.gov.uk', 1800, started);
    await ackAfter('cyber@hac.gov.uk', 7200, started);
    await ackAfter('cyber@isl.gov.uk', 90000, started);
    const r = await report(drill.id);

    const crf = r.councils.find((c) => c.code === 'CRF')!;
    expect(crf.paths.map((p) => `${p.channel} ${p.target} ${p.status}`)).toEqual([
      'email cyber@cardiff.gov.uk delivered',
      'email ooh@cardiff.gov.uk delivered',
      'email soc@cardiff.gov.uk failed',
      'sms +447700900123 sent', // the SMS provider took it; no receipt yet
    ]);
    expect(crf.paths.find((p) => p.status === 'failed')!.failure).toContain('550 5.1.1 User unknown');
    expect(crf).toMatchObject({ reached: true, secondsToAcknowledge: 600, inWindow: true, late: false });
    expect(r.councils.find((c) => c.code === 'CMD')!.paths.find((p) => p.channel === 'sms')!.status).toBe(
      'delivered',
    );
    expect(r.councils.find((c) => c.code === 'ISL')).toMatchObject({ inWindow: false, late: true });

    // All: 5 councils, all reached; 4 acknowledged, 3 in the window; times 600, 1800, 7200, 90000:
    // median (1800 + 7200) / 2 = 4500, 90th percentile the 4th of 4 = 90000.
    expect(r.total).toEqual({
      group: 'total',
      label: 'All councils',
      councils: 5,
      reached: 5,
      acknowledged: 4,
      acknowledgedInWindow: 3,
      medianSeconds: 4500,
      p90Seconds: 90000,
    });
    // London WARP: CMD 1800, HAC 7200, ISL 90000: median 7200, p90 the 3rd of 3 = 90000.
    expect(r.groups.warp.find((g) => g.group === 'london')).toEqual({
      group: 'london',
      label: 'London WARP',
      councils: 3,
      reached: 3,
      acknowledged: 3,
      acknowledgedInWindow: 2,
      medianSeconds: 7200,
      p90Seconds: 90000,
    });
    // Wales: CRF 600, NWP never.
    expect(r.groups.nation.find((g) => g.group === 'Wales')).toMatchObject({
      councils: 2,
      acknowledged: 1,
      medianSeconds: 600,
      p90Seconds: 600,
    });
    expect(r.groups.type.map((g) => g.group)).toEqual(['LBO', 'UA']);
    expect(r.groups.type.map((g) => g.label)).toEqual(['London borough', 'Unitary authority']);
    expect(r.groups.region.map((g) => `${g.group} ${g.councils}`)).toEqual(['London 3', 'Wales 2']);
    expect(r.neverAnswered).toEqual([{ code: 'NWP', name: 'Newport City Council', reached: true }]);
    expect(r.failedPaths).toEqual([
      {
        code: 'CRF',
        name: 'Cardiff Council',
        channel: 'email',
        target: 'soc@cardiff.gov.uk',
        failure: expect.stringContaining('550'),
      },
    ]);
    expect(r.final).toBe(false);

    // The CSV: a row per path, the same figures.
    const csv = await t.call('GET', `/api/v1/drills/${drill.reference}/report.csv`, { token: admin });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'authority,authorityName,nation,region,warp,type,channel,target,status,failure,pathAcknowledgedAt,councilReached,councilAcknowledgedAt,secondsToAcknowledge,inWindow',
    );
    expect(lines).toHaveLength(1 + (await pathsOf(t, drill.id)).length);
    expect(lines.find((l) => l.includes('soc@cardiff.gov.uk'))).toContain(',failed,');
  });

  it('a council that was never reached: every path failed', async () => {
    const drill = await schedule(t, admin, { audience: { authorities: ['CRF'] } });
    await runJob(t);
    await t.db
      .update(smsMessages)
      .set({ status: 'permanent-failure', failedAt: 1, lastReply: 'not a mobile' });
    // Make the two delivered e-mails fail too.
    await t.db.run(
      sql`update outbound_mail set status = 'permanent-failure', failed_at = 1, last_reply = '550 no such user' where purpose = 'drill'`,
    );
    const r = await report(drill.id);
    expect(r.councils[0]).toMatchObject({ code: 'CRF', reached: false, acknowledgedAt: null });
    expect(r.failedPaths).toHaveLength(4);
    expect(r.neverAnswered).toEqual([{ code: 'CRF', name: 'Cardiff Council', reached: false }]);
  });
});

describe('who may see a drill report', () => {
  it('a WARP operator: its own drills, its members, numbers masked; not NCSC drills nor another WARP’s', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const london = await t.tokenFor('warp', { warp: 'london' });
    const own = await schedule(t, wales, { audience: { warps: ['wales'] } });
    const ncsc = await schedule(t, admin, { audience: { all: true } });
    await runJob(t);
    const r = await report(own.id, wales);
    expect(r.councils.map((c) => c.code).sort()).toEqual(['CRF', 'NWP']);
    const sms = r.councils.find((c) => c.code === 'CRF')!.paths.find((p) => p.channel === 'sms')!;
    expect(sms.target).toBe('07••• •••123');
    expect(JSON.stringify(r)).not.toContain('+447700900123');
    // An admin sees the number whole.
    const whole = await report(own.id, admin);
    expect(JSON.stringify(whole)).toContain('+447700900123');
    // A council moved out of the WARP after the drill is not shown to its operator.
    await t.db.run(sql`update authorities set warp_id = 'london' where code = 'NWP'`);
    expect((await report(own.id, wales)).councils.map((c) => c.code)).toEqual(['CRF']);

    for (const [token, id] of [
      [wales, ncsc.id],
      [london, own.id],
    ] as const) {
      expect((await t.call('GET', `/api/v1/drills/${id}/report`, { token })).status).toBe(404);
      expect((await t.call('GET', `/api/v1/drills/${id}/report.csv`, { token })).status).toBe(404);
      expect((await t.call('GET', `/api/v1/drills/${id}`, { token })).status).toBe(404);
    }
    expect((await t.call('GET', `/api/v1/drills/${own.reference}`, { token: wales })).status).toBe(200);
  });

  it('councils (token or session) and anonymous callers see nothing of drills', async () => {
    const drill = await schedule(t, admin, { audience: { all: true } });
    await runJob(t);
    const council = await t.tokenFor('council', { authority: 'CRF' });
    for (const path of [
      `/api/v1/drills/${drill.id}`,
      `/api/v1/drills/${drill.id}/report`,
      `/api/v1/drills/${drill.id}/report.csv`,
      '/api/v1/drills',
    ]) {
      expect((await t.call('GET', path, { token: council })).status).toBe(403);
      expect((await t.call('GET', path)).status).toBe(401);
    }
    for (const path of ['/drills', `/drills/${drill.id}`, '/drills/new']) {
      const res = await t.app.request(path, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(303); // to sign in
      const asCouncil = await t.call('GET', path, { token: council, headers: { accept: 'text/html' } });
      expect(asCouncil.status).toBe(403);
    }
  });
});
