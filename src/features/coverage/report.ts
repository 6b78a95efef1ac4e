// The coverage report: per group (nation, region, WARP or council type) and in total, how many current
// authorities are in each bucket (see mailbox-state.ts), with percentages. One SQL statement: an inner
// select joins each current authority to its live primary mailboxes (an index seek per authority) and
// groups by authority to rank it by its best one; the outer select counts the ranks per group.
// Beside the buckets, `resilient` and `responsive` are counted per authority in code (resilience-counts.ts:
// independence needs the MX results judged). Counts only: no authority name or mailbox address leaves here.

import { and, eq, type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities, mailboxes, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';
import { type Bucket, buckets, mailboxRankSql, rank } from './mailbox-state.js';
import {
  type CoverageFilters,
  coverageFilter,
  type Dimension,
  dimensions,
  keyColumn,
} from './report-filters.js';
import { type PathCounts, pathCountsByGroup } from './resilience-counts.js';

export { type CoverageFilters, coverageFilter, type Dimension, dimensions, keyColumn };

/**
 * The buckets (they add up to `authorities`), and beside them how many councils are resilient (two or more
 * independent confirmed contact paths) and responsive (answered their last finished drill within 24 hours).
 */
export type BucketCounts = Record<Bucket, number> & PathCounts & { authorities: number };

export interface CoverageCounts extends BucketCounts {
  /** Share of `authorities` in each bucket, as a percentage with one decimal (0 when there are none). */
  percentConfirmed: number;
  percentStale: number;
  percentUnreachable: number;
  percentPending: number;
  percentNone: number;
  percentResilient: number;
  percentResponsive: number;
}

export interface CoverageGroup extends CoverageCounts {
  /** Staff only: of the `confirmed`, how many are at risk (weak mail set-up or soft bounces). */
  confirmedAtRisk?: number;
  /** The group's value (nation, region, WARP id, type code); null for authorities in no WARP. `all` for the total. */
  key: string | null;
  /** What people read: the WARP's or type's name; the key itself for nations and regions. */
  label: string;
}

/**
 * Upcoming authorities (shadows: created by a reorganisation, counted from their vesting day): how many,
 * how many have a confirmed primary of their own, and how many are reached meanwhile through a
 * predecessor's mailbox offered to them. Null counts where a public answer withholds them.
 */
export interface UpcomingCounts {
  authorities: number;
  confirmed: number | null;
  offered: number | null;
}

export interface CoverageReport {
  by: Dimension;
  filters: CoverageFilters;
  total: CoverageGroup;
  groups: CoverageGroup[];
  /** Present on a report of today (not on the days of a history). */
  upcoming?: UpcomingCounts;
}

/** A percentage of `n` in `of` with one decimal. */
export function percent(n: number, of: number): number {
  return of === 0 ? 0 : Math.round((n * 1000) / of) / 10;
}

export function emptyCounts(): BucketCounts {
  return {
    authorities: 0,
    confirmed: 0,
    stale: 0,
    unreachable: 0,
    pending: 0,
    none: 0,
    resilient: 0,
    responsive: 0,
  };
}

/** Adds the percentages to bucket counts. */
export function withPercentages(c: BucketCounts): CoverageCounts {
  return {
    authorities: c.authorities,
    confirmed: c.confirmed,
    stale: c.stale,
    unreachable: c.unreachable,
    pending: c.pending,
    none: c.none,
    resilient: c.resilient,
    responsive: c.responsive,
    percentConfirmed: percent(c.confirmed, c.authorities),
    percentStale: percent(c.stale, c.authorities),
    percentUnreachable: percent(c.unreachable, c.authorities),
    percentPending: percent(c.pending, c.authorities),
    percentNone: percent(c.none, c.authorities),
    percentResilient: percent(c.resilient, c.authorities),
    percentResponsive: percent(c.responsive, c.authorities),
  };
}

export function sumCounts(rows: readonly BucketCounts[]): BucketCounts {
  const total = emptyCounts();
  for (const r of rows) {
    total.authorities += r.authorities;
    for (const b of buckets) total[b] += r[b];
    total.resilient += r.resilient;
    total.responsive += r.responsive;
  }
  return total;
}

export const noWarpLabel = 'No WARP';
export const totalKey = 'all';
export const totalLabel = 'All current authorities';

/** Joins an authority to its live primary mailboxes (index mailboxes_authority_idx: code, state). */
export const livePrimaryJoin: SQL = and(
  eq(mailboxes.authorityCode, authorities.code),
  eq(mailboxes.kind, 'primary'),
  inList(mailboxes.state, liveMailboxStates),
)!;

/** An authority's best rank over the joined live primaries (0 for none), in a query grouped by authority. */
export const bestRankSql: SQL<number> = sql<number>`coalesce(max(${mailboxRankSql}), 0)`;

const countWhere = (column: SQL.Aliased<number>, condition: string) =>
  sql<number>`sum(case when ${column} ${sql.raw(condition)} then 1 else 0 end)`.mapWith(Number);

/** The coverage report by one dimension, optionally filtered: one SQL statement. */
export async function coverageReport(
  deps: Deps,
  options: { by: Dimension; filters?: CoverageFilters },
): Promise<CoverageReport> {
  const { by } = options;
  const filters = options.filters ?? {};
  const { db } = deps;
  const key = keyColumn[by];
  const label =
    by === 'warp' ? sql<string | null>`${warps.name}` : by === 'type' ? authorities.typeName : key;
  const perAuthority = db
    .select({
      key: sql<string | null>`${key}`.as('group_key'),
      label: sql<string | null>`${label}`.as('group_label'),
      best: bestRankSql.as('best_rank'),
    })
    .from(authorities)
    .leftJoin(mailboxes, livePrimaryJoin)
    .leftJoin(warps, eq(warps.id, authorities.warpId))
    .where(and(eq(authorities.current, true), coverageFilter(filters)))
    .groupBy(authorities.code)
    .as('per_authority');
  const best = perAuthority.best;
  const rows = await db
    .select({
      key: perAuthority.key,
      label: sql<string | null>`max(${perAuthority.label})`,
      authorities: sql<number>`count(*)`.mapWith(Number),
      confirmed: countWhere(best, `= ${rank.confirmed}`),
      stale: countWhere(best, `= ${rank.stale}`),
      unreachable: countWhere(best, `= ${rank.unreachable}`),
      pending: countWhere(best, `= ${rank.pending}`),
      none: countWhere(best, `in (${rank.none}, ${rank.awaitingApproval})`),
    })
    .from(perAuthority)
    .groupBy(sql`${perAuthority.key}`)
    .orderBy(sql`${perAuthority.key} is null`, sql`${perAuthority.key}`);

  const paths = await pathCountsByGroup(deps, by, filters);
  const groups = rows.map(
    (r): CoverageGroup => ({
      key: r.key,
      label: r.key === null ? noWarpLabel : (r.label ?? r.key),
      ...withPercentages({ ...r, ...(paths.get(r.key) ?? { resilient: 0, responsive: 0 }) }),
    }),
  );
  if (by === 'warp' || by === 'type')
    groups.sort((a, b) => Number(a.key === null) - Number(b.key === null) || a.label.localeCompare(b.label));
  const total: CoverageGroup = { key: totalKey, label: totalLabel, ...withPercentages(sumCounts(groups)) };
  const [upcoming] = await db
    .select({
      authorities: sql<number>`count(*)`.mapWith(Number),
      confirmed:
        sql<number>`sum(exists (select 1 from ${mailboxes} where ${mailboxes.authorityCode} = ${authorities.code}
        and ${mailboxes.kind} = 'primary' and ${mailboxes.state} = 'confirmed'))`.mapWith(Number),
      offered:
        sql<number>`sum(exists (select 1 from mailbox_offers o where o.successor_code = ${authorities.code}
        and o.state = 'offered'))`.mapWith(Number),
    })
    .from(authorities)
    .where(and(eq(authorities.shadow, true), coverageFilter(filters)));
  return {
    by,
    filters,
    total,
    groups,
    upcoming: {
      authorities: upcoming?.authorities ?? 0,
      confirmed: upcoming?.confirmed ?? 0,
      offered: upcoming?.offered ?? 0,
    },
  };
}
