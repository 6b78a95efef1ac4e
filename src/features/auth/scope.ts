// Scope in the query: which authorities a principal may see, as a condition on an authority-code column.
import { eq, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { inSubquery } from '../../db/limits.js';
import { authorities } from '../../db/schema.js';
import type { Principal } from '../../domain/principal.js';

/** A condition limiting `column` (an authority code) to what the principal may see; undefined for admins. */
export function authorityScope(db: Db, principal: Principal, column: SQLiteColumn): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  if (principal.role === 'warp') {
    const members = db
      .select({ code: authorities.code })
      .from(authorities)
      .where(eq(authorities.warpId, principal.warpId ?? ''));
    return inSubquery(column, members);
  }
  if (principal.role === 'council') return eq(column, principal.authorityCode ?? '');
  return sql`0`;
}

/** Whether the principal may see this authority (for single-object reads). */
export async function canSeeAuthority(db: Db, principal: Principal, code: string): Promise<boolean> {
  if (principal.role === 'admin') return true;
  if (principal.role === 'council') return principal.authorityCode === code;
  if (principal.role === 'warp') {
    const row = await db.query.authorities.findFirst({
      where: eq(authorities.code, code),
      columns: { warpId: true },
    });
    return Boolean(row?.warpId && row.warpId === principal.warpId);
  }
  return false;
}
