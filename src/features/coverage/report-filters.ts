// What a coverage report is grouped by and filtered on: the dimensions, the filters as a condition on
// `authorities`, and the column each dimension groups by. Shared by the report and the counts it is
// given from outside its one SQL statement (at-risk.ts, resilience-counts.ts).

import { and, type SQL } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities } from '../../db/schema.js';

export const dimensions = ['nation', 'region', 'warp', 'type'] as const;
export type Dimension = (typeof dimensions)[number];

export interface CoverageFilters {
  nation?: string[];
  region?: string[];
  /** WARP ids. */
  warp?: string[];
  /** Register type codes (UA, NMD …); matched upper-case. */
  type?: string[];
}

/** The condition the filters put on `authorities` (current authorities only is added by the callers). */
export function coverageFilter(f: CoverageFilters): SQL | undefined {
  const where: SQL[] = [];
  if (f.nation?.length) where.push(inList(authorities.nation, f.nation));
  if (f.region?.length) where.push(inList(authorities.region, f.region));
  if (f.type?.length)
    where.push(
      inList(
        authorities.type,
        f.type.map((t) => t.toUpperCase()),
      ),
    );
  if (f.warp?.length) where.push(inList(authorities.warpId, f.warp));
  return where.length ? and(...where) : undefined;
}

/** The column each dimension groups by. */
export const keyColumn = {
  nation: authorities.nation,
  region: authorities.region,
  warp: authorities.warpId,
  type: authorities.type,
} as const;
