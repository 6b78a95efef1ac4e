// Which advisories a caller may follow, and which of their deliveries: admins everything; a WARP operator its
// own WARP's advisories whole, and an NCSC advisory only as far as its member councils; a council its own rows.
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { advisories, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { authorityScope } from '../auth/scope.js';

export type AdvisoryRow = typeof advisories.$inferSelect;

export interface AdvisoryInScope {
  advisory: AdvisoryRow;
  /** The condition on `deliveries` the caller may see; undefined for all of the advisory's deliveries. */
  deliveryScope: SQL | undefined;
}

function notFound(id: string): AppError {
  return new AppError('not_found', `There is no advisory with id "${id}" that you can see.`);
}

/** The advisory and the caller's view of its deliveries; 404 (never 403) for one they may not see. */
export async function findAdvisoryInScope(
  deps: Deps,
  principal: Principal,
  id: string,
): Promise<AdvisoryInScope> {
  const advisory = await deps.db.query.advisories.findFirst({ where: eq(advisories.id, id) });
  if (!advisory) throw notFound(id);
  if (principal.role === 'admin') return { advisory, deliveryScope: undefined };
  if (principal.role === 'warp' && advisory.warpId && advisory.warpId === principal.warpId)
    return { advisory, deliveryScope: undefined };
  if (principal.role === 'warp' && advisory.warpId) throw notFound(id); // another WARP's advisory
  if (principal.role !== 'warp' && principal.role !== 'council') throw notFound(id);

  const deliveryScope = authorityScope(deps.db, principal, deliveries.authorityCode);
  const [reached] = await deps.db
    .select({ one: sql<number>`1` })
    .from(deliveries)
    .where(and(eq(deliveries.advisoryId, id), deliveryScope))
    .limit(1);
  if (!reached) throw notFound(id);
  return { advisory, deliveryScope };
}
