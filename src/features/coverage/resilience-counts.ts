// The coverage report's `resilient` and `responsive` counts per group. They cannot be one more column of
// the report's grouped SQL: independence needs each council's MX results judged in code (contact-paths.ts).
// So: one query for the councils in the report and their group key, then their paths and last drills in
// bounded batches (contact-paths-query.ts, drill-response.ts), counted here. Counts only leave.

import { and, eq, sql } from 'drizzle-orm';
import { authorities } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { batchesOf, contactPathsOf } from './contact-paths-query.js';
import { lastDrillsOf } from './drill-response.js';
import { type CoverageFilters, coverageFilter, type Dimension, keyColumn } from './report-filters.js';

export interface PathCounts {
  /** Councils with two or more independent confirmed contact paths. */
  resilient: number;
  /** Councils that acknowledged their last finished drill, on any path, within 24 hours of its start. */
  responsive: number;
}

/** Per group key (null: no WARP): how many current councils are resilient and responsive. */
export async function pathCountsByGroup(
  deps: Pick<Deps, 'db'>,
  by: Dimension,
  filters: CoverageFilters,
): Promise<Map<string | null, PathCounts>> {
  const councils = await deps.db
    .select({ code: authorities.code, key: sql<string | null>`${keyColumn[by]}` })
    .from(authorities)
    .where(and(eq(authorities.current, true), coverageFilter(filters)));
  const keyOf = new Map(councils.map((c) => [c.code, c.key]));
  const out = new Map<string | null, PathCounts>();
  const add = (code: string, field: keyof PathCounts) => {
    const key = keyOf.get(code) ?? null;
    const counts = out.get(key) ?? { resilient: 0, responsive: 0 };
    counts[field] += 1;
    out.set(key, counts);
  };
  for (const batch of batchesOf(councils.map((c) => c.code))) {
    const [paths, drills] = await Promise.all([contactPathsOf(deps, batch), lastDrillsOf(deps, batch)]);
    for (const [code, p] of paths) if (p.resilient) add(code, 'resilient');
    for (const [code, d] of drills) if (d.responsive) add(code, 'responsive');
  }
  return out;
}
