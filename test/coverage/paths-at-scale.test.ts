// Contact paths at ten times today's register: 4,000 councils with two confirmed mailboxes each, their MX
// results stored as `checkMx` writes them, one drill for all. The report, the snapshot and the chase list
// still count every council, in bounded batches (no timing assertion: it must work, and give the numbers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { writeAll } from '../../src/db/client.js';
import { domainChecks, drillPaths } from '../../src/db/schema.js';
import { checkMx } from '../../src/features/checks/mx.js';
import { coverageReport, dimensions } from '../../src/features/coverage/report.js';
import { snapshotCoverage } from '../../src/features/coverage/snapshot.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { FACTORY_TIME, insertCouncils, insertDrill } from '../support/fixtures.js';

const COUNCILS = 4000;
let t: TestApp;
const code = (i: number) => `C${String(i).padStart(4, '0')}`;
const nations = ['England', 'Wales', 'Scotland', 'Northern Ireland'];

beforeAll(async () => {
  t = await makeTestApp();
  await insertCouncils(t.db, {
    count: COUNCILS,
    code,
    authority: (i) => ({ nation: nations[i % 4], region: `Region ${i % 12}`, type: i % 3 ? 'NMD' : 'UA' }),
    mailboxes: (_i, c) => [
      { id: `mbx-${c}`, address: `cyber@${c.toLowerCase()}.gov.uk` },
      { id: `ooh-${c}`, address: `ooh@${c.toLowerCase()}-ooh.org.uk`, kind: 'out-of-hours' },
    ],
  });
  // Every primary on Microsoft 365; even councils' out-of-hours mailbox on Mimecast (resilient), odd
  // ones' on Microsoft 365 too (a single path). The rows are what the real MX check stores.
  const m365 = (
    await checkMx(
      memoryResolver({
        'x.gov.uk': { MX: ['10 x-gov-uk.mail.protection.outlook.com'] },
        'x-gov-uk.mail.protection.outlook.com': { A: ['52.101.68.1'] },
      }),
      'x.gov.uk',
    )
  ).result;
  const mimecast = (
    await checkMx(
      memoryResolver({
        'y.org.uk': { MX: ['10 eu-smtp-inbound-1.mimecast.com'] },
        'eu-smtp-inbound-1.mimecast.com': { A: ['195.130.217.1'] },
      }),
      'y.org.uk',
    )
  ).result;
  const rows: Array<typeof domainChecks.$inferInsert> = [];
  for (let i = 0; i < COUNCILS; i++) {
    const c = code(i).toLowerCase();
    const result = i % 2 === 0 ? mimecast : m365;
    rows.push(
      {
        domain: `${c}.gov.uk`,
        kind: 'mx',
        severity: m365.severity,
        summary: m365.summary,
        detail: m365.detail,
        checkedAt: FACTORY_TIME,
      },
      {
        domain: `${c}-ooh.org.uk`,
        kind: 'mx',
        severity: result.severity,
        summary: result.summary,
        detail: result.detail,
        checkedAt: FACTORY_TIME,
      },
    );
  }
  const items = [];
  for (let i = 0; i < rows.length; i += 500)
    items.push(t.db.insert(domainChecks).values(rows.slice(i, i + 500)));
  // One finished drill for every council: every fourth answered within the day.
  const drill = await insertDrill(t.db, { startedAt: new Date('2026-11-02T10:00:00Z') });
  const start = drill.startedAt!.getTime();
  const paths = Array.from({ length: COUNCILS }, (_, i) => ({
    id: `dp-${i}`,
    drillId: drill.id,
    authorityCode: code(i),
    channel: 'email' as const,
    target: `cyber@${code(i).toLowerCase()}.gov.uk`,
    createdAt: start,
    acknowledgedAt: i % 4 === 0 ? start + 3600_000 : null,
  }));
  for (let i = 0; i < paths.length; i += 500)
    items.push(t.db.insert(drillPaths).values(paths.slice(i, i + 500)));
  await writeAll(t.db, items);
}, 120_000);
afterAll(() => t.close());

describe('contact paths for 4,000 councils', () => {
  it('counts resilient and responsive councils by every grouping', async () => {
    for (const by of dimensions) {
      const report = await coverageReport(t.deps, { by });
      expect(report.total).toMatchObject({
        authorities: COUNCILS,
        resilient: COUNCILS / 2,
        responsive: COUNCILS / 4,
        percentResilient: 50,
        percentResponsive: 25,
      });
    }
    const byNation = await coverageReport(t.deps, { by: 'nation' });
    expect(byNation.groups.find((g) => g.key === 'England')).toMatchObject({
      resilient: 1000,
      responsive: 1000,
    });
    expect(byNation.groups.find((g) => g.key === 'Wales')).toMatchObject({ resilient: 0, responsive: 0 });
  }, 120_000);

  it('takes the daily snapshot and lists the single paths', async () => {
    const taken = await snapshotCoverage(t.deps);
    expect(taken.rows).toBe(1 + 4 + 12 + 1 + 2);
    const admin = await t.tokenFor('admin');
    const res = await t.call('GET', '/api/v1/coverage/chase?concern=single-path&limit=10', { token: admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; items: Array<{ code: string }> };
    expect(body.total).toBe(COUNCILS / 2);
    expect(body.items.map((i) => i.code)).toEqual([
      'C0001',
      'C0003',
      'C0005',
      'C0007',
      'C0009',
      'C0011',
      'C0013',
      'C0015',
      'C0017',
      'C0019',
    ]);
  }, 120_000);
});
