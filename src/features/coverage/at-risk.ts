// How many of the councils counted as `confirmed` are at risk (staff only, never public: it points at weak
// mail set-ups). A confirmed council is at risk when none of its confirmed primaries (neither stale nor
// unreachable) is plainly confirmed: each is at risk by its domain's latest definite checks or its soft
// bounces, as `mailboxStatus` decides for its pages (src/features/checks/status.ts).
import { and, eq, isNull, sql } from 'drizzle-orm';
import { authorities, mailboxes, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { latestChecksFor } from '../checks/latest.js';
import { domainOf, mailboxStatus, statusColumns } from '../checks/status.js';
import {
  type CoverageFilters,
  type CoverageReport,
  coverageFilter,
  type Dimension,
  keyColumn,
} from './report.js';

/** Per group key: how many councils in the confirmed bucket are at risk. */
export async function confirmedAtRisk(
  deps: Pick<Deps, 'db' | 'config'>,
  by: Dimension,
  filters: CoverageFilters,
): Promise<Map<string | null, number>> {
  const rows = await deps.db
    .select({
      code: authorities.code,
      key: sql<string | null>`${keyColumn[by]}`,
      address: mailboxes.address,
      ...statusColumns,
    })
    .from(authorities)
    .innerJoin(
      mailboxes,
      and(
        eq(mailboxes.authorityCode, authorities.code),
        eq(mailboxes.kind, 'primary'),
        eq(mailboxes.state, 'confirmed'),
        isNull(mailboxes.staleAt),
        isNull(mailboxes.unreachableAt),
      ),
    )
    .leftJoin(warps, eq(warps.id, authorities.warpId))
    .where(and(eq(authorities.current, true), coverageFilter(filters)));
  const latest = await latestChecksFor(
    deps,
    rows.map((r) => domainOf(r.address)),
  );
  const options = { softBounceThreshold: deps.config.SOFT_BOUNCE_THRESHOLD };
  const councils = new Map<string, { key: string | null; atRisk: boolean }>();
  for (const r of rows) {
    const atRisk = mailboxStatus(r, latest.get(domainOf(r.address)), options) === 'at-risk';
    const seen = councils.get(r.code);
    councils.set(r.code, { key: r.key, atRisk: (seen?.atRisk ?? true) && atRisk });
  }
  const out = new Map<string | null, number>();
  for (const { key, atRisk } of councils.values()) if (atRisk) out.set(key, (out.get(key) ?? 0) + 1);
  return out;
}

/** The report with, for staff, how many of each group's confirmed councils are at risk. */
export async function withConfirmedAtRisk(
  deps: Pick<Deps, 'db' | 'config'>,
  report: CoverageReport,
): Promise<CoverageReport> {
  const atRisk = await confirmedAtRisk(deps, report.by, report.filters);
  return {
    ...report,
    groups: report.groups.map((g) => ({ ...g, confirmedAtRisk: atRisk.get(g.key) ?? 0 })),
    total: { ...report.total, confirmedAtRisk: [...atRisk.values()].reduce((n, x) => n + x, 0) },
  };
}
