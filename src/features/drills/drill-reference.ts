// Drill references: DRILL-YYYY-NNNN, numbered per year, for NCSC and WARP drills alike (a drill is never
// mistaken for an advisory's reference). A clash (two writers took the same number) takes the next.
import { sql } from 'drizzle-orm';
import { drills } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { isConstraintViolation } from '../authority-register/warps.js';

export const DRILL_REFERENCE_PREFIX = 'DRILL';

/** The next free number this year. */
export async function nextDrillReference(deps: Deps, year: number): Promise<string> {
  const stem = `${DRILL_REFERENCE_PREFIX}-${year}-`;
  const [row] = await deps.db
    .select({
      n: sql<number | null>`max(cast(substr(${drills.reference}, ${stem.length + 1}) as integer))`,
    })
    .from(drills)
    .where(sql`${drills.reference} glob ${`${stem}[0-9]*`}`);
  return `${stem}${String(Number(row?.n ?? 0) + 1).padStart(4, '0')}`;
}

/** Writes under the next free reference, taking the following number when another writer took it first. */
export async function withDrillReference<T>(
  deps: Deps,
  write: (reference: string) => Promise<T>,
): Promise<T> {
  const year = deps.clock.now().getUTCFullYear();
  for (let attempt = 0; ; attempt++) {
    const reference = await nextDrillReference(deps, year);
    try {
      return await write(reference);
    } catch (err) {
      if (!isConstraintViolation(err) || attempt >= 4) throw err;
    }
  }
}
