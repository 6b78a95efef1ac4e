// Coverage over time: a daily snapshot of the counts by every dimension (and the total), and the history
// read back for plotting. Idempotent per day: taking it again the same day replaces that day's rows in ONE
// batch (delete and inserts together), so a re-run, a second instance or a Workers cron retry is harmless.
// Counts only, like the report: snapshots hold no name and no address.

import { and, asc, eq, gte, lte } from 'drizzle-orm';
import { type BatchItem, writeAll } from '../../db/client.js';
import { inList, insertRows } from '../../db/limits.js';
import { authorities, coverageSnapshots, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { ukDayKey } from '../../domain/uk-time.js';
import { buckets } from './mailbox-state.js';
import {
  type BucketCounts,
  type CoverageGroup,
  coverageReport,
  type Dimension,
  dimensions,
  emptyCounts,
  noWarpLabel,
  totalKey,
  totalLabel,
  withPercentages,
} from './report.js';

/** The dimension the total is stored under. */
export const TOTAL_DIMENSION = 'total';

/** The calendar day in the UK of a moment, YYYY-MM-DD: the day a snapshot belongs to. */
export { ukDayKey };

/** YYYY-MM-DD `days` days after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const countsOf = (g: BucketCounts): Record<string, number> => ({
  authorities: g.authorities,
  confirmed: g.confirmed,
  stale: g.stale,
  unreachable: g.unreachable,
  pending: g.pending,
  none: g.none,
  resilient: g.resilient,
  responsive: g.responsive,
});

export interface SnapshotResult {
  day: string;
  rows: number;
  takenAt: string;
}

/**
 * Takes today's coverage snapshot: the report by each dimension and the total, written as one batch that
 * first deletes whatever today already had. Exported for the Node schedule and the Workers cron trigger.
 */
export async function snapshotCoverage(deps: Deps): Promise<SnapshotResult> {
  const { db } = deps;
  const takenAt = deps.clock.now();
  const day = ukDayKey(takenAt);
  const reports = [];
  for (const by of dimensions) reports.push(await coverageReport(deps, { by }));
  const rows: Array<typeof coverageSnapshots.$inferInsert> = [
    { day, dimension: TOTAL_DIMENSION, key: totalKey, counts: countsOf(reports[0]!.total), takenAt },
    ...reports.flatMap((report) =>
      report.groups.map((g) => ({
        day,
        dimension: report.by,
        key: g.key ?? '',
        counts: countsOf(g),
        takenAt,
      })),
    ),
  ];
  const writes: BatchItem[] = [db.delete(coverageSnapshots).where(eq(coverageSnapshots.day, day))];
  writes.push(...insertRows(db, coverageSnapshots, rows));
  await writeAll(db, writes);
  deps.log.info('coverage snapshot taken', { day, rows: rows.length });
  return { day, rows: rows.length, takenAt: takenAt.toISOString() };
}

export interface HistoryDay {
  day: string;
  total: CoverageGroup;
  groups: CoverageGroup[];
  /** Counted now, not from a snapshot (today's point, so the history ends where the headline is). */
  live?: boolean;
}

export interface CoverageHistory {
  by: Dimension;
  from: string;
  to: string;
  days: HistoryDay[];
}

function readCounts(stored: Record<string, number>): BucketCounts {
  const c = emptyCounts();
  c.authorities = Number(stored.authorities ?? 0);
  for (const b of buckets) c[b] = Number(stored[b] ?? 0);
  // Snapshots from before paths were judged have neither: read as 0.
  c.resilient = Number(stored.resilient ?? 0);
  c.responsive = Number(stored.responsive ?? 0);
  return c;
}

/** What people read for a group key: WARP and type names as they are now. */
async function labelsFor(deps: Deps, by: Dimension): Promise<Map<string, string>> {
  if (by === 'warp') {
    const rows = await deps.db.select({ id: warps.id, name: warps.name }).from(warps);
    return new Map(rows.map((r) => [r.id, r.name]));
  }
  if (by === 'type') {
    const rows = await deps.db
      .selectDistinct({ code: authorities.type, name: authorities.typeName })
      .from(authorities);
    return new Map(rows.map((r) => [r.code, r.name]));
  }
  return new Map();
}

/** The snapshots from `from` to `to` (YYYY-MM-DD, both included), oldest first: one day per snapshot taken. */
export async function coverageHistory(
  deps: Deps,
  q: { by: Dimension; from: string; to: string },
): Promise<CoverageHistory> {
  const [rows, labels] = await Promise.all([
    deps.db
      .select()
      .from(coverageSnapshots)
      .where(
        and(
          gte(coverageSnapshots.day, q.from),
          lte(coverageSnapshots.day, q.to),
          inList(coverageSnapshots.dimension, [q.by, TOTAL_DIMENSION]),
        ),
      )
      .orderBy(asc(coverageSnapshots.day), asc(coverageSnapshots.key)),
    labelsFor(deps, q.by),
  ]);
  const days = new Map<string, HistoryDay>();
  for (const row of rows) {
    let entry = days.get(row.day);
    if (!entry) {
      entry = {
        day: row.day,
        total: { key: totalKey, label: totalLabel, ...withPercentages(emptyCounts()) },
        groups: [],
      };
      days.set(row.day, entry);
    }
    const counts = withPercentages(readCounts(row.counts));
    if (row.dimension === TOTAL_DIMENSION) entry.total = { key: totalKey, label: totalLabel, ...counts };
    else {
      const key = row.key === '' ? null : row.key;
      const label = key === null ? noWarpLabel : (labels.get(key) ?? key);
      entry.groups.push({ key, label, ...counts });
    }
  }
  for (const entry of days.values())
    entry.groups.sort(
      (a, b) => Number(a.key === null) - Number(b.key === null) || a.label.localeCompare(b.label),
    );
  return { by: q.by, from: q.from, to: q.to, days: [...days.values()] };
}
