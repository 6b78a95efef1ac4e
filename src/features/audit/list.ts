// Reading the audit log, newest first, scoped to what the caller may see.

import { and, count, desc, eq, gte, lte, or, type SQL } from 'drizzle-orm';
import { inSubquery } from '../../db/limits.js';
import { auditLog, authorities, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';

export interface AuditQuery {
  subjectType?: string;
  subjectId?: string;
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export async function listAudit(deps: Deps, principal: Principal, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.subjectType) where.push(eq(auditLog.subjectType, q.subjectType));
  if (q.subjectId) where.push(eq(auditLog.subjectId, q.subjectId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lte(auditLog.at, q.to));
  if (principal.role !== 'admin') {
    // A WARP operator sees entries about its members and their mailboxes; a council, about itself.
    const members = deps.db
      .select({ code: authorities.code })
      .from(authorities)
      .where(
        principal.role === 'warp'
          ? eq(authorities.warpId, principal.warpId ?? '')
          : eq(authorities.code, principal.authorityCode ?? ''),
      );
    const memberMailboxes = deps.db
      .select({ id: mailboxes.id })
      .from(mailboxes)
      .where(inSubquery(mailboxes.authorityCode, members));
    where.push(
      or(
        and(eq(auditLog.subjectType, 'authority'), inSubquery(auditLog.subjectId, members)),
        and(eq(auditLog.subjectType, 'mailbox'), inSubquery(auditLog.subjectId, memberMailboxes)),
      ) as SQL,
    );
  }
  const filter = where.length ? and(...where) : undefined;
  const [rows, [total]] = await Promise.all([
    deps.db.select().from(auditLog).where(filter).orderBy(desc(auditLog.id)).limit(q.limit).offset(q.offset),
    deps.db.select({ n: count() }).from(auditLog).where(filter),
  ]);
  return {
    items: rows.map((r) => ({
      ...(principal.role === 'admin' ? r : withoutAddresses(r)),
      at: r.at.toISOString(),
    })),
    total: total?.n ?? 0,
    limit: q.limit,
    offset: q.offset,
  };
}

/**
 * An entry as someone other than an admin sees it: no client address (a registrant's IP address is
 * personal data only NCSC staff handle), and an anonymous actor without the address in its name.
 */
export function withoutAddresses<Entry extends { actor: string; ip: string | null }>(entry: Entry): Entry {
  return { ...entry, ip: null, actor: entry.actor.startsWith('anonymous:') ? 'anonymous' : entry.actor };
}
