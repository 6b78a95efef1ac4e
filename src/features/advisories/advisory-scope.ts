// Who may see and write which advisories: scope as a query condition, single reads that answer 404 for
// what the caller may not see, and the principal an advisory is sent as (its WARP's, or the NCSC's).

import { and, eq, exists, ne, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { advisories, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import type { AdvisoryRow } from './view.js';

/**
 * A condition on `advisories` limiting it to what the principal may read: admins everything; a WARP
 * operator its WARP's advisories; a council only released advisories that were sent to it (never drafts).
 */
export function advisoryScope(db: Db, principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  if (principal.role === 'warp') return eq(advisories.warpId, principal.warpId ?? '');
  if (principal.role === 'council') {
    const sentToCouncil = db
      .select({ one: sql`1` })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.advisoryId, advisories.id),
          eq(deliveries.authorityCode, principal.authorityCode ?? ''),
          ne(deliveries.status, 'cancelled'),
        ),
      );
    return and(inList(advisories.state, ['sending', 'sent', 'cancelled']), exists(sentToCouncil));
  }
  return sql`0 = 1`;
}

/** The advisory if the principal may read it; otherwise the same 404 as for one that does not exist. */
export async function findVisibleAdvisory(
  deps: Deps,
  principal: Principal,
  id: string,
): Promise<AdvisoryRow> {
  const [row] = await deps.db
    .select()
    .from(advisories)
    .where(and(eq(advisories.id, id), advisoryScope(deps.db, principal)))
    .limit(1);
  if (!row) throw new AppError('not_found', `There is no advisory with id "${id}" that you can see.`);
  return row;
}

/** Only NCSC staff (admins) and WARP operators write advisories. */
export function assertAuthor(principal: Principal): void {
  if (principal.role === 'admin') return;
  if (principal.role === 'warp' && principal.warpId) return;
  throw new AppError('forbidden', 'Only NCSC staff and WARP operators write advisories.');
}

/**
 * Whether the principal may change this advisory: an admin, its author, or another operator of the WARP
 * that wrote it (a WARP's sessions and tokens change; the WARP is the author that stays).
 */
export function assertMayChange(principal: Principal, row: AdvisoryRow): void {
  if (principal.role === 'admin' || principal.actor === row.createdBy) return;
  if (principal.role === 'warp' && principal.warpId && principal.warpId === row.warpId) return;
  throw new AppError('forbidden', 'Only the author of an advisory, or an administrator, can change it.');
}

/** The principal an advisory reaches its audience as: its WARP's operator (members only), or the NCSC. */
export function senderOf(row: Pick<AdvisoryRow, 'warpId' | 'createdBy'>): Principal {
  return row.warpId
    ? {
        actor: row.createdBy,
        label: `WARP ${row.warpId}`,
        role: 'warp',
        warpId: row.warpId,
        authorityCode: null,
        via: 'system',
      }
    : {
        actor: row.createdBy,
        label: 'NCSC',
        role: 'admin',
        warpId: null,
        authorityCode: null,
        via: 'system',
      };
}
