// The drills a caller may see (drill-view.ts): an admin every drill, a WARP operator its own WARP's;
// newest first.
import { desc, sql } from 'drizzle-orm';
import { drills } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { assertMayRunDrills, type DrillView, drillScope, toDrillView } from './drill-view.js';

export const MAX_DRILLS_LISTED = 500;

export async function listDrills(deps: Deps, principal: Principal): Promise<DrillView[]> {
  assertMayRunDrills(principal);
  const scope = drillScope(principal);
  const rows = await deps.db
    .select()
    .from(drills)
    .where(scope ?? sql`1 = 1`)
    .orderBy(desc(drills.scheduledFor), desc(drills.id))
    .limit(MAX_DRILLS_LISTED);
  return rows.map(toDrillView);
}
