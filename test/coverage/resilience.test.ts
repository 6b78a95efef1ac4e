// Resilient and responsive councils: the last finished drill decides responsiveness (23 hours counts, 25
// does not, a later finished drill replaces an earlier one, a running drill counts for nothing yet), and
// both counts reach the coverage JSON, CSV, snapshot and pages by every grouping, withheld publicly under the
// same rules as the buckets; the chase list names the councils that did not answer and the single paths.
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryResolver, type Zones } from '../../src/adapters/resolver-memory.js';
import { coverageSnapshots } from '../../src/db/schema.js';
import { lastDrillsOf } from '../../src/features/coverage/drill-response.js';
import { dimensions } from '../../src/features/coverage/report.js';
import { runDomainChecks } from '../../src/features/reachability/run-checks.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  insertAuthority,
  insertDrill,
  insertMailbox,
  insertMobile,
  insertWarp,
} from '../support/fixtures.js';
import { useMsw } from '../support/msw.js';

useMsw(
  http.get(
    /^https:\/\/.*\/\.well-known\/(security|mta-sts)\.txt$/,
    () => new HttpResponse('', { status: 404 }),
  ),
);

const mx = (domain: string, host: string, address: string): Zones => ({
  [domain]: { MX: [`10 ${host}`] },
  [host]: { A: [address] },
});

let t: TestApp;
let admin: string;
const start = (iso: string) => new Date(`${iso}T10:00:00Z`);

interface Group {
  key: string | null;
  authorities: number;
  resilient: number | null;
  responsive: number | null;
  percentResilient: number | null;
  percentResponsive: number | null;
  suppressed?: boolean;
}

beforeAll(async () => {
  t = await makeTestApp({
    deps: {
      resolver: memoryResolver({
        ...mx('one.gov.uk', 'one-gov-uk.mail.protection.outlook.com', '52.101.68.1'),
        ...mx('one-ooh.org.uk', 'eu-smtp-inbound-1.mimecast.com', '195.130.217.1'),
        ...mx('two.gov.uk', 'two-gov-uk.mail.protection.outlook.com', '52.101.68.2'),
        ...mx('two-ooh.org.uk', 'two-ooh-org-uk.mail.protection.outlook.com', '52.101.68.3'),
      }),
    },
  });
  admin = await t.tokenFor('admin');
  const wales = await insertWarp(t.db, { id: 'wales', name: 'Wales WARP' });
  const london = await insertWarp(t.db, { id: 'london', name: 'London WARP' });
  const welsh = { nation: 'Wales', region: 'Wales', type: 'UA', typeName: 'Unitary authority' };
  await insertAuthority(t.db, { code: 'ONE', name: 'First Council', ...welsh, warpId: wales.id });
  await insertAuthority(t.db, { code: 'TWO', name: 'Second Council', ...welsh, warpId: wales.id });
  const london3 = { region: 'London', type: 'LBO', typeName: 'London borough', warpId: london.id };
  await insertAuthority(t.db, { code: 'THR', name: 'Third Council', ...london3 });
  await insertAuthority(t.db, { code: 'FOU', name: 'Fourth Council' });
  await insertAuthority(t.db, { code: 'FIV', name: 'Fifth Council' });
  await insertAuthority(t.db, { code: 'SIX', name: 'Sixth Council' });

  // ONE: Microsoft 365 and Mimecast, resilient. TWO: both on Microsoft 365, a single path.
  await insertMailbox(t.db, { authorityCode: 'ONE', address: 'cyber@one.gov.uk' });
  await insertMailbox(t.db, { authorityCode: 'ONE', address: 'ooh@one-ooh.org.uk', kind: 'out-of-hours' });
  await insertMailbox(t.db, { authorityCode: 'TWO', address: 'cyber@two.gov.uk' });
  await insertMailbox(t.db, { authorityCode: 'TWO', address: 'ooh@two-ooh.org.uk', kind: 'out-of-hours' });
  for (const d of ['one.gov.uk', 'one-ooh.org.uk', 'two.gov.uk', 'two-ooh.org.uk'])
    await runDomainChecks(t.deps, d);
  // THR: one mailbox and a confirmed mobile, resilient.
  await insertMailbox(t.db, { authorityCode: 'THR', address: 'cyber@thr.gov.uk' });
  await insertMobile(t.db, { authorityCode: 'THR' });
  await insertMailbox(t.db, { authorityCode: 'FOU', address: 'cyber@fou.gov.uk' });

  // Drills. ONE answered at 23 hours; TWO at 25 hours.
  await insertDrill(t.db, { startedAt: start('2026-11-02'), reference: 'DRILL-NOV' }, [
    { authorityCode: 'ONE', ackAfterHours: 23 },
    { authorityCode: 'TWO', ackAfterHours: 25 },
  ]);
  // THR answered an earlier drill at once, and not the later one: unresponsive.
  await insertDrill(t.db, { startedAt: start('2026-06-01') }, [{ authorityCode: 'THR', ackAfterHours: 1 }]);
  await insertDrill(t.db, { startedAt: start('2026-10-01'), reference: 'DRILL-LATE' }, [
    { authorityCode: 'THR', ackAfterHours: null },
    { authorityCode: 'FIV', ackAfterHours: 1 },
    // SIX answered on its second path, in time: one path is enough.
    { authorityCode: 'SIX', ackAfterHours: null },
    { authorityCode: 'SIX', ackAfterHours: 5, channel: 'sms', target: '+447700900999' },
  ]);
  // FOU answered a finished drill; a drill still running (not answered yet) counts for nothing.
  await insertDrill(t.db, { startedAt: start('2026-09-01') }, [{ authorityCode: 'FOU', ackAfterHours: 2 }]);
  await insertDrill(t.db, { startedAt: start('2026-11-29'), state: 'running' }, [
    { authorityCode: 'FOU', ackAfterHours: null },
  ]);
  // FIV missed an earlier drill but answered the later one (above): responsive. A cancelled one is ignored.
  await insertDrill(t.db, { startedAt: start('2026-05-01') }, [
    { authorityCode: 'FIV', ackAfterHours: null },
  ]);
  await insertDrill(t.db, { startedAt: start('2026-11-28'), state: 'cancelled' }, [
    { authorityCode: 'FIV', ackAfterHours: null },
  ]);
}, 60_000);
afterAll(() => t.close());

const expected = { resilient: ['ONE', 'THR'], responsive: ['ONE', 'FOU', 'FIV', 'SIX'] };

async function report(query: string) {
  const res = await t.call('GET', `/api/v1/coverage${query}`, { token: admin });
  expect(res.status).toBe(200);
  return (await res.json()) as { total: Group; groups: Group[] };
}

describe('responsive councils', () => {
  it('are those that acknowledged their last finished drill within 24 hours of its start', async () => {
    const drills = await lastDrillsOf(t.deps, ['ONE', 'TWO', 'THR', 'FOU', 'FIV', 'SIX', 'NONE']);
    const responsive = [...drills].filter(([, d]) => d.responsive).map(([code]) => code);
    expect(responsive.sort()).toEqual([...expected.responsive].sort());
    expect(drills.get('TWO')?.acknowledgedAt?.toISOString()).toBe('2026-11-03T11:00:00.000Z');
    expect(drills.get('THR')).toMatchObject({ reference: 'DRILL-LATE', acknowledgedAt: null });
    expect(drills.get('FOU')?.startedAt.toISOString()).toBe('2026-09-01T10:00:00.000Z');
    expect(drills.has('NONE')).toBe(false);
  });
});

describe('the coverage report', () => {
  it('counts resilient and responsive councils, with percentages, by every grouping and in total', async () => {
    for (const by of dimensions) {
      const body = await report(`?by=${by}`);
      expect(body.total).toMatchObject({
        authorities: 6,
        resilient: 2,
        responsive: 4,
        percentResilient: 33.3,
        percentResponsive: 66.7,
      });
      const sum = (f: 'resilient' | 'responsive') => body.groups.reduce((n, g) => n + (g[f] ?? 0), 0);
      expect([sum('resilient'), sum('responsive')], by).toEqual([2, 4]);
    }
    const byWarp = await report('?by=warp');
    expect(byWarp.groups.map((g) => [g.key, g.resilient, g.responsive])).toEqual([
      ['london', 1, 0],
      ['wales', 1, 1],
      [null, 0, 3],
    ]);
    const byType = await report('?by=type');
    expect(byType.groups.find((g) => g.key === 'UA')).toMatchObject({ resilient: 1, percentResilient: 50 });
    const filtered = await report('?by=nation&warp=wales');
    expect(filtered.total).toMatchObject({ authorities: 2, resilient: 1, responsive: 1 });
  });

  it('carries them in the CSV', async () => {
    const res = await t.call('GET', '/api/v1/coverage.csv?by=region', { token: admin });
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r.key === 'all')).toMatchObject({
      resilient: '2',
      responsive: '4',
      percentResilient: '33.3',
      percentResponsive: '66.7',
    });
    expect(rows.find((r) => r.key === 'London')).toMatchObject({ resilient: '1', responsive: '0' });
  });

  it('stores them in the daily snapshot, for every grouping, and reads them back', async () => {
    const taken = await t.call('POST', '/api/v1/coverage/snapshots', { token: admin });
    expect(taken.status).toBe(200);
    const rows = await t.db.select().from(coverageSnapshots).where(eq(coverageSnapshots.day, '2026-11-30'));
    const of = (dimension: string, key: string) =>
      rows.find((r) => r.dimension === dimension && r.key === key)!;
    expect(of('total', 'all').counts).toMatchObject({ resilient: 2, responsive: 4 });
    expect(of('nation', 'Wales').counts).toMatchObject({ resilient: 1, responsive: 1 });
    expect(of('region', 'London').counts).toMatchObject({ resilient: 1, responsive: 0 });
    expect(of('warp', '').counts).toMatchObject({ resilient: 0, responsive: 3 });
    expect(of('type', 'UA').counts).toMatchObject({ resilient: 1, responsive: 1 });
    const history = await t.call('GET', '/api/v1/coverage/history?by=nation', { token: admin });
    const days = ((await history.json()) as { days: Array<{ total: Group }> }).days;
    expect(days.at(-1)?.total).toMatchObject({ resilient: 2, percentResponsive: 66.7 });
  });

  it('withholds them publicly wherever the buckets are withheld', async () => {
    const res = await t.call('GET', '/api/v1/coverage?by=nation');
    const body = (await res.json()) as { total: Group; groups: Group[] };
    expect(body.total).toMatchObject({ resilient: 2, responsive: 4, suppressed: false });
    for (const g of body.groups) {
      expect(g.suppressed).toBe(true);
      expect([g.resilient, g.responsive, g.percentResilient, g.percentResponsive]).toEqual([
        null,
        null,
        null,
        null,
      ]);
    }
    const csv = await (await t.call('GET', '/api/v1/coverage.csv?by=nation')).text();
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((r) => r.key === 'Wales')).toMatchObject({ resilient: '', responsive: '' });
  });

  it('shows them in the dashboard’s table and chart, and on the public page', async () => {
    const b = browser(t);
    await b.signInAs(t.deps, { role: 'admin' });
    const page = await b.get('/dashboard?by=warp');
    expect(page.html).toContain('% resilient');
    expect(page.html).toContain('Resilient and responsive councils by WARP');
    expect(page.html).toContain('London WARP: 100.0% resilient, 0.0% responsive');
    expect(page.html).toMatch(/Resilient<\/dt>\s*<dd[^>]*>2 \(33\.3%\)/);
    const open = await t.app.request('/coverage', { headers: { accept: 'text/html' } });
    expect(await open.text()).toMatch(/Responsive<\/dt>\s*<dd[^>]*>4 \(66\.7%\)/);
  });
});

describe('the chase list', () => {
  interface Item {
    code: string;
    bucket: string;
    missing: string | null;
    reason: string;
    concerns: Array<{ kind: string; reason: string }>;
  }
  const chase = async (query = '', token = admin) => {
    const res = await t.call('GET', `/api/v1/coverage/chase?limit=500${query}`, { token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Item[] }).items;
  };

  it('lists the gaps first, then the councils that did not answer their last drill, with the reason', async () => {
    const items = await chase();
    expect(items.map((i) => i.code)).toEqual(['FIV', 'SIX', 'TWO', 'THR']);
    const thr = items.find((i) => i.code === 'THR')!;
    expect(thr).toMatchObject({ bucket: 'confirmed', missing: null });
    expect(thr.reason).toBe(
      'Did not answer the last drill (DRILL-LATE, started 1 October 2026) within 24 hours',
    );
    expect(items.find((i) => i.code === 'ONE')).toBeUndefined();
    const wales = await chase('', await t.tokenFor('warp', { warp: 'wales' }));
    expect(wales.map((i) => i.code)).toEqual(['TWO']);
    expect(await chase('&concern=unresponsive')).toHaveLength(2);
  });

  it('lists the single paths when asked, with what they share', async () => {
    const items = await chase('&concern=single-path');
    expect(items.map((i) => i.code)).toEqual(['TWO', 'FOU']);
    expect(items[0]!.concerns.map((c) => c.reason)).toEqual([
      'Did not answer the last drill (DRILL-NOV, started 2 November 2026) within 24 hours',
      'Single path: both mailboxes are delivered by Microsoft 365 (two-gov-uk.mail.protection.outlook.com and two-ooh-org-uk.mail.protection.outlook.com): add an out-of-hours mobile or a mailbox on another provider',
    ]);
    const b = browser(t);
    await b.signInAs(t.deps, { role: 'admin' });
    const page = await b.get('/dashboard/chase?concern=single-path');
    expect(page.html).toContain('Single path: both mailboxes are delivered by Microsoft 365');
    expect(page.html).toContain(
      'No independent path: add an out-of-hours mobile or a mailbox on another provider',
    );
    const all = await b.get('/dashboard/chase');
    expect(all.html).toContain('Did not answer the last drill (DRILL-LATE, started 1 October 2026)');
    // FOU's only concern is its single path: not on the default list.
    expect(all.html).not.toContain('Fourth Council');
  });
});
