// Audit log entries: built as a batch item so the entry is written in the same atomic write as the change.
import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema.js';
import type { ActorContext } from '../../domain/principal.js';

export interface AuditChange {
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
}

export function auditEntry(db: Db, actor: ActorContext, at: Date, change: AuditChange) {
  return db.insert(auditLog).values({
    at,
    actor: actor.principal.actor,
    actorRole: actor.principal.role,
    action: change.action,
    subjectType: change.subjectType,
    subjectId: change.subjectId,
    before: change.before ?? null,
    after: change.after ?? null,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
  });
}
