// The audit log as admins browse it: filtered by actor, subject, action and date range, newest first, a page
// at a time by keyset (entries older than the last one shown, so a page never shifts as entries are added),
// and the filtered set as CSV (bounded: at most AUDIT_CSV_MAX entries, the newest, read in keyset chunks).
import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { auditLog } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { csvLine } from '../../lib/csv.js';

export const AUDIT_PAGE_SIZE = 50;
export const AUDIT_CSV_MAX = 10_000;
const CSV_CHUNK = 1000;

export interface AuditFilter {
  /** Part of the actor, any case: `alice@`, `token:`, `cli`. */
  actor?: string;
  subjectType?: string;
  /** Part of the subject's id, any case: an address, a council code, an advisory id. */
  subject?: string;
  action?: string;
  /** From this moment (inclusive) … */
  from?: Date;
  /** … to this one (exclusive). */
  to?: Date;
}

const contains = (column: SQLiteColumn, text: string) => sql`instr(lower(${column}), lower(${text})) > 0`;

export function auditWhere(f: AuditFilter): SQL | undefined {
  return and(
    f.actor ? contains(auditLog.actor, f.actor) : undefined,
    f.subjectType ? eq(auditLog.subjectType, f.subjectType) : undefined,
    f.subject ? contains(auditLog.subjectId, f.subject) : undefined,
    f.action ? eq(auditLog.action, f.action) : undefined,
    f.from ? gte(auditLog.at, f.from) : undefined,
    f.to ? lt(auditLog.at, f.to) : undefined,
  );
}

export type AuditRow = typeof auditLog.$inferSelect;

/** One page of entries older than `before` (an entry id), and the id to ask for the next page with. */
export async function auditPage(
  deps: Pick<Deps, 'db'>,
  filter: AuditFilter,
  page: { before?: number; limit?: number } = {},
): Promise<{ entries: AuditRow[]; next: number | null }> {
  const limit = page.limit ?? AUDIT_PAGE_SIZE;
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(and(auditWhere(filter), page.before ? lt(auditLog.id, page.before) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, next: rows.length > limit ? (entries.at(-1)?.id ?? null) : null };
}

/** The actions and subject types in the log, for the filter's choices. */
export async function auditVocabulary(deps: Pick<Deps, 'db'>) {
  const [actions, types] = await Promise.all([
    deps.db.selectDistinct({ v: auditLog.action }).from(auditLog).orderBy(auditLog.action),
    deps.db.selectDistinct({ v: auditLog.subjectType }).from(auditLog).orderBy(auditLog.subjectType),
  ]);
  return { actions: actions.map((r) => r.v), subjectTypes: types.map((r) => r.v) };
}

export const auditCsvHeader = [
  'id',
  'at',
  'actor',
  'actor_role',
  'action',
  'subject_type',
  'subject_id',
  'before',
  'after',
  'request_id',
  'ip',
];

const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value));

/** The filtered entries as CSV, newest first, at most `max`; whether more matched than it holds. */
export async function auditCsv(deps: Pick<Deps, 'db'>, filter: AuditFilter, max = AUDIT_CSV_MAX) {
  const lines = [csvLine(auditCsvHeader)];
  let before: number | undefined;
  let count = 0;
  let truncated = false;
  for (;;) {
    const { entries, next } = await auditPage(deps, filter, {
      before,
      limit: Math.min(CSV_CHUNK, max - count),
    });
    for (const e of entries)
      lines.push(
        csvLine([
          e.id,
          e.at.toISOString(),
          e.actor,
          e.actorRole,
          e.action,
          e.subjectType,
          e.subjectId,
          json(e.before),
          json(e.after),
          e.requestId,
          e.ip,
        ]),
      );
    count += entries.length;
    if (next === null) break;
    if (count >= max) {
      truncated = true;
      break;
    }
    before = next;
  }
  return { text: `${lines.join('\r\n')}\r\n`, count, truncated };
}
