// A drill as the API and pages show it, and THE scope rule every representation of a drill goes through:
//   admin          every drill.
//   WARP operator  the drills its own WARP ran (of its members only); never an NCSC drill.
//   council        nothing (a council only ever sees its own acknowledgement page, through its link).
//   anyone else    nothing.
// A drill outside the caller's scope is the same 404 as one that does not exist. Also: as whom a drill
// reaches its audience (its WARP's operator, or the NCSC), whoever starts it.
import { eq, or, type SQL, sql } from 'drizzle-orm';
import { drills } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';

export type DrillRow = typeof drills.$inferSelect;

export interface DrillView {
  id: string;
  reference: string;
  state: DrillRow['state'];
  audience: DrillRow['audience'];
  warpId: string | null;
  scheduledFor: string;
  windowHours: number;
  recurrence: DrillRow['recurrence'];
  previousId: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  closesAt: string | null;
  finishedAt: string | null;
  cancelledBy: string | null;
  cancelledAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDrillView(row: DrillRow): DrillView {
  return {
    id: row.id,
    reference: row.reference,
    state: row.state,
    audience: row.audience,
    warpId: row.warpId,
    scheduledFor: row.scheduledFor.toISOString(),
    windowHours: row.windowHours,
    recurrence: row.recurrence,
    previousId: row.previousId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    closesAt: iso(row.closesAt),
    finishedAt: iso(row.finishedAt),
    cancelledBy: row.cancelledBy,
    cancelledAt: iso(row.cancelledAt),
  };
}

/** The condition on `drills` for what the caller may see (see the rules above). */
export function drillScope(principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  if (principal.role === 'warp') return eq(drills.warpId, principal.warpId ?? '');
  return sql`0 = 1`;
}

/** Only NCSC staff and WARP operators run drills. */
export function assertMayRunDrills(principal: Principal): void {
  if (principal.role !== 'admin' && principal.role !== 'warp')
    throw new AppError('forbidden', 'Only NCSC staff and WARP operators run reachability drills.');
}

/** One drill by id or reference, if the caller may see it; otherwise the 404 of one that does not exist. */
export async function drillFor(deps: Deps, principal: Principal, idOrReference: string): Promise<DrillRow> {
  const scope = drillScope(principal);
  const match = or(eq(drills.id, idOrReference), eq(drills.reference, idOrReference.toUpperCase()))!;
  const [row] = await deps.db
    .select()
    .from(drills)
    .where(scope ? sql`${match} and ${scope}` : match)
    .limit(1);
  if (!row) throw new AppError('not_found', 'There is no drill with that id or reference.');
  return row;
}

/** As whom the drill reaches its audience: its WARP's operator (members only), or the NCSC (anyone). */
export function drillSender(drill: Pick<DrillRow, 'warpId' | 'createdBy'>): Principal {
  return drill.warpId
    ? {
        actor: drill.createdBy,
        label: 'WARP operator',
        role: 'warp',
        warpId: drill.warpId,
        authorityCode: null,
        via: 'system',
      }
    : {
        actor: drill.createdBy,
        label: 'NCSC',
        role: 'admin',
        warpId: null,
        authorityCode: null,
        via: 'system',
      };
}

/** Its author, an admin, or (for a WARP's drill) an operator of that WARP may start or cancel it. */
export function assertMayChange(principal: Principal, drill: DrillRow): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'warp' && drill.warpId && drill.warpId === principal.warpId) return;
  throw new AppError('forbidden', 'Only its author’s WARP or an admin may change this drill.');
}
