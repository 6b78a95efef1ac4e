// The coverage part of `npm run bench`: how the time of a coverage report grows with the register.
//
// For each size (400, 5,000 and 50,000 current authorities, spread over 4 nations, 12 regions, 12 WARPs and
// 8 council types, three mailboxes each: primary, secondary and out-of-hours, the primaries in every state)
// it seeds a fresh libsql FILE in a temporary folder with the real migrations, then times the real
// functions: the coverage report by each dimension, the first page of the chase list and a daily snapshot.
// It prints ms per report at each size and the growth factor between sizes beside the growth of the size.
//
//   npx tsx bench/coverage.ts            (or, once bench/run.ts lists it: npm run bench -- coverage)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { migrateDatabase, openLibsqlDatabase } from '../src/adapters/db-libsql.js';
import type { Db } from '../src/db/client.js';
import { systemPrincipal } from '../src/domain/principal.js';
import { chaseList } from '../src/features/coverage/chase.js';
import { coverageReport, dimensions } from '../src/features/coverage/report.js';
import { snapshotCoverage } from '../src/features/coverage/snapshot.js';
import { FACTORY_TIME, fixtureDeps, insertCouncils, insertRows, warpRow } from '../test/support/fixtures.js';
import { fmt, now, table } from './lib/timing.js';

export const coverageBenchSizes = [400, 5_000, 50_000] as const;

const nations = [
  ['England', 0.84],
  ['Scotland', 0.08],
  ['Wales', 0.055],
  ['Northern Ireland', 0.025],
] as const;
const englishRegions = [
  'London',
  'South East',
  'South West',
  'East of England',
  'East Midlands',
  'West Midlands',
  'North West',
  'North East',
  'Yorkshire and The Humber',
];
const types = [
  ['NMD', 'Non-metropolitan district'],
  ['UA', 'Unitary authority'],
  ['MD', 'Metropolitan district'],
  ['LBO', 'London borough'],
  ['CTY', 'County'],
  ['SCO', 'Scottish unitary authority'],
  ['WPA', 'Welsh principal authority'],
  ['NID', 'NI district'],
] as const;

/** A deterministic spread of the primaries' states: 55% confirmed (5% stale, 3% unreachable), 15% pending … */
function primaryFor(i: number) {
  const r = (i * 7919) % 100;
  if (r < 47) return { state: 'confirmed' as const };
  if (r < 52) return { state: 'confirmed' as const, staleAt: FACTORY_TIME };
  if (r < 55) return { state: 'confirmed' as const, unreachableAt: FACTORY_TIME };
  if (r < 70) return { state: 'pending' as const };
  if (r < 75) return { state: 'awaiting-approval' as const };
  if (r < 90) return { state: 'retired' as const };
  return { state: 'refused' as const };
}

function nationOf(i: number): string {
  const x = ((i * 104729) % 1000) / 1000;
  let acc = 0;
  for (const [name, share] of nations) {
    acc += share;
    if (x < acc) return name;
  }
  return 'England';
}

/** Seeds `n` current authorities and three mailboxes each (the test fixtures' rows), in bulk. */
export async function seedCoverageRegister(db: Db, n: number): Promise<void> {
  await insertRows(db, {
    warps: Array.from({ length: 12 }, (_, w) => warpRow({ id: `warp-${w}`, name: `Bench WARP ${w}` })),
  });
  await insertCouncils(db, {
    count: n,
    code: (i) => `C${String(i).padStart(6, '0')}`,
    authority: (i) => {
      const nation = nationOf(i);
      const [type, typeName] = types[i % types.length]!;
      return {
        name: `Bench Council ${i}`,
        shortName: `Bench ${i}`,
        nation,
        region: nation === 'England' ? englishRegions[i % englishRegions.length]! : nation,
        type,
        typeName,
        current: i % 50 !== 49, // 2% former, which the report leaves out
        warpId: i % 97 === 0 ? null : `warp-${i % 12}`,
      };
    },
    mailboxes: (i, code) =>
      (['primary', 'secondary', 'out-of-hours'] as const).map((kind, k) => {
        const p = kind === 'primary' ? primaryFor(i) : { state: 'confirmed' as const };
        return {
          id: `m${code}${k}`,
          address: `${kind}@${code.toLowerCase()}.gov.uk`,
          kind,
          team: 'Information security',
          phone: '01632 960000',
          createdBy: 'bench',
          retiredAt: p.state === 'retired' || p.state === 'refused' ? FACTORY_TIME : null,
          ...p,
        };
      }),
  });
}

async function benchDeps(dir: string) {
  const database = await openLibsqlDatabase(`file:${join(dir, 'coverage.db')}`);
  await migrateDatabase(database.db);
  const deps = fixtureDeps(database.db, '2026-11-30T09:00:00Z', { OUTBOX_DIR: join(dir, 'outbox') });
  return { deps, close: database.close };
}

/**
 * The median wall time of `runs` calls (after one untimed warm-up), in ms; beside it the median CPU time of
 * this process (libsql runs in it), which a busy shared machine disturbs much less.
 */
async function median(runs: number, fn: () => Promise<unknown>, cpu?: number[]): Promise<number> {
  await fn();
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = now();
    await fn();
    times.push(now() - t0);
    const used = process.cpuUsage(c0);
    cpus.push((used.user + used.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  cpu?.push(mid(cpus));
  return mid(times);
}

export interface CoverageBenchRow {
  size: number;
  seedMs: number;
  /** Median ms of one coverage report, per dimension. */
  reportMs: Record<(typeof dimensions)[number], number>;
  /** The mean of the four dimensions' medians: "ms per report". */
  perReportMs: number;
  /** The same in CPU time of this process. */
  perReportCpuMs: number;
  chaseMs: number;
  snapshotMs: number;
}

/** Times the coverage queries at each size; returns the figures (printing progress as it goes). */
export async function measureCoverage(
  sizes: readonly number[] = coverageBenchSizes,
): Promise<CoverageBenchRow[]> {
  const results: CoverageBenchRow[] = [];
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-coverage-bench-'));
    const { deps, close } = await benchDeps(dir);
    try {
      const t0 = now();
      await seedCoverageRegister(deps.db, size);
      const seedMs = now() - t0;
      const runs = size >= 50_000 ? 5 : 15;
      const reportMs = {} as CoverageBenchRow['reportMs'];
      const cpu: number[] = [];
      for (const by of dimensions) reportMs[by] = await median(runs, () => coverageReport(deps, { by }), cpu);
      const perReportMs = dimensions.reduce((s, by) => s + reportMs[by], 0) / dimensions.length;
      const perReportCpuMs = cpu.reduce((s, x) => s + x, 0) / cpu.length;
      const chaseMs = await median(runs, () => chaseList(deps, systemPrincipal, { limit: 100, offset: 0 }));
      const snapshotMs = await median(3, () => snapshotCoverage(deps));
      results.push({ size, seedMs, reportMs, perReportMs, perReportCpuMs, chaseMs, snapshotMs });
      console.log(
        `coverage: ${size} authorities (${size * 3} mailboxes) seeded in ${fmt.s(seedMs, 1)} s; ` +
          `${perReportMs.toFixed(1)} ms per report`,
      );
    } finally {
      close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

/** The table `runCoverageBench` prints. */
export function coverageBenchTable(results: CoverageBenchRow[]): string {
  const rows = [
    [
      'authorities',
      'ms/report',
      'cpu ms',
      'nation',
      'region',
      'warp',
      'type',
      'chase p1',
      'snapshot',
      'size ×',
      'time ×',
      'cpu ×',
    ],
  ];
  results.forEach((r, i) => {
    const prev = results[i - 1];
    rows.push([
      String(r.size),
      r.perReportMs.toFixed(1),
      r.perReportCpuMs.toFixed(1),
      ...dimensions.map((d) => r.reportMs[d].toFixed(1)),
      r.chaseMs.toFixed(1),
      r.snapshotMs.toFixed(1),
      prev ? (r.size / prev.size).toFixed(1) : '',
      prev ? (r.perReportMs / prev.perReportMs).toFixed(1) : '',
      prev ? (r.perReportCpuMs / prev.perReportCpuMs).toFixed(1) : '',
    ]);
  });
  return table(rows);
}

/** Times the coverage report at 400, 5,000 and 50,000 authorities and prints how the time grows. */
export async function runCoverageBench(): Promise<void> {
  console.log('coverage: the coverage report on a libsql file, three mailboxes per authority');
  const results = await measureCoverage();
  console.log(
    coverageBenchTable(results)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  const first = results[0]!;
  const last = results.at(-1)!;
  const sizeGrowth = last.size / first.size;
  const timeGrowth = last.perReportMs / first.perReportMs;
  const cpuGrowth = last.perReportCpuMs / first.perReportCpuMs;
  const verdict = (growth: number) => (growth <= sizeGrowth * 1.5 ? 'linear or better' : 'worse than linear');
  console.log(
    `  ${first.size} → ${last.size} authorities (×${sizeGrowth.toFixed(0)}): wall time ×${timeGrowth.toFixed(1)} ` +
      `(${verdict(timeGrowth)}), CPU time ×${cpuGrowth.toFixed(1)} (${verdict(cpuGrowth)}); ` +
      `${last.perReportMs.toFixed(0)} ms (${last.perReportCpuMs.toFixed(0)} ms CPU) per report at ${last.size}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runCoverageBench().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err?.stack ?? err);
      process.exit(1);
    },
  );
}
