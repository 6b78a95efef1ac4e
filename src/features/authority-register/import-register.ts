// Importing the register: diff the CSV against the stored authorities and apply every change, the default
// WARPs and one audit entry in ONE atomic batch. Upsert, never delete; a second import of the same file
// changes nothing and says so.
import { and, count, eq, notInArray } from 'drizzle-orm';
import { type BatchItem, writeAll } from '../../db/client.js';
import { authorities, authoritySuccessors } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { defaultWarpId, defaultWarpInserts, defaultWarpRegions } from './default-warps.js';
import { parseRegisterCsv, type RegisterRow, type RejectedRow } from './import-csv.js';
import { decodeImportText, type ImportInput, type OnProgress } from './import-text.js';

export interface RegisterImportCounts {
  /** New authorities. */
  added: number;
  /** Existing authorities whose details changed (and that did not end in this import). */
  updated: number;
  /** Authorities that were current and became former in this import. */
  ended: number;
  unchanged: number;
  /** Rows that failed validation and were not applied. */
  rejected: number;
}

export interface RegisterImportReport {
  id: string;
  source: string;
  /** False when the register already matched the file: nothing but the audit entry was written. */
  changed: boolean;
  counts: RegisterImportCounts;
  rejected: RejectedRow[];
  /** Current and former authorities in the register after the import. */
  current: number;
  former: number;
}

export interface ImportOptions {
  onProgress?: OnProgress;
}

type Authority = typeof authorities.$inferSelect;

const comparedFields = [
  'name',
  'shortName',
  'gss',
  'nation',
  'region',
  'type',
  'typeName',
  'county',
  'startDate',
  'endDate',
  'replacedBy',
  'current',
  'altNames',
] as const satisfies ReadonlyArray<keyof RegisterRow & keyof Authority>;

function differs(stored: Authority, row: RegisterRow): boolean {
  return comparedFields.some((f) => JSON.stringify(stored[f]) !== JSON.stringify(row[f]));
}

const defaultRegions = new Set<string>(defaultWarpRegions);

/** The default WARP a new authority joins: its region's, else its nation's (Wales, Scotland, NI), else none. */
export function defaultWarpFor(row: Pick<RegisterRow, 'region' | 'nation'>): string | null {
  if (defaultRegions.has(row.region)) return defaultWarpId(row.region);
  if (defaultRegions.has(row.nation)) return defaultWarpId(row.nation);
  return null;
}

/** Imports the register CSV (its text or bytes). Refuses a file that is not the register CSV. */
export async function importRegister(
  deps: Deps,
  actor: ActorContext,
  input: ImportInput,
  options: ImportOptions = {},
): Promise<RegisterImportReport> {
  const text = decodeImportText(input.content, deps.config.IMPORT_LIMIT_BYTES, 'the register CSV');
  const parsed = parseRegisterCsv(text, options.onProgress);
  if (parsed.rows.length === 0) {
    throw new AppError(
      'validation_failed',
      `None of the ${parsed.rejected.length} rows of the file is valid, so nothing was imported (first problem: line ${parsed.rejected[0]?.line}: ${parsed.rejected[0]?.reason}).`,
      {
        errors: parsed.rejected
          .slice(0, 20)
          .map((r) => ({ path: `line ${r.line}${r.code ? ` (${r.code})` : ''}`, message: r.reason })),
      },
    );
  }

  const { db } = deps;
  const now = deps.clock.now();
  const id = deps.random.id();
  const stored = new Map((await db.select().from(authorities)).map((a) => [a.code, a]));
  const changes = { added: [] as string[], updated: [] as string[], ended: [] as string[] };
  let unchanged = 0;
  const writes: BatchItem[] = [];

  for (const { row } of parsed.rows) {
    const existing = stored.get(row.code);
    if (!existing) {
      changes.added.push(row.code);
      writes.push(
        db
          .insert(authorities)
          .values({ ...row, warpId: defaultWarpFor(row), createdAt: now, updatedAt: now })
          .onConflictDoNothing(),
      );
      for (const successor of row.replacedBy)
        writes.push(
          db.insert(authoritySuccessors).values({ code: row.code, successor }).onConflictDoNothing(),
        );
      continue;
    }
    if (!differs(existing, row)) {
      unchanged++;
      continue;
    }
    if (existing.current && !row.current) changes.ended.push(row.code);
    else changes.updated.push(row.code);
    // The WARP is never touched here: admins move members, and an import must not undo that.
    const { code, ...details } = row;
    writes.push(
      db
        .update(authorities)
        .set({ ...details, updatedAt: now })
        .where(eq(authorities.code, code)),
    );
    if (JSON.stringify(existing.replacedBy) !== JSON.stringify(row.replacedBy)) {
      writes.push(
        db
          .delete(authoritySuccessors)
          .where(
            row.replacedBy.length
              ? and(
                  eq(authoritySuccessors.code, code),
                  notInArray(authoritySuccessors.successor, row.replacedBy),
                )
              : eq(authoritySuccessors.code, code),
          ),
      );
      for (const successor of row.replacedBy)
        writes.push(db.insert(authoritySuccessors).values({ code, successor }).onConflictDoNothing());
    }
  }

  const counts: RegisterImportCounts = {
    added: changes.added.length,
    updated: changes.updated.length,
    ended: changes.ended.length,
    unchanged,
    rejected: parsed.rejected.length,
  };
  const total = writes.length + 1;
  options.onProgress?.({ phase: 'writing', done: 0, total, unit: 'statements' });
  await writeAll(db, [
    ...defaultWarpInserts(deps),
    ...writes,
    auditEntry(db, actor, now, {
      action: 'register.import',
      subjectType: 'register',
      subjectId: id,
      after: { source: input.source, counts, changes },
    }),
  ]);
  options.onProgress?.({ phase: 'writing', done: total, total, unit: 'statements' });

  const totals = await db
    .select({ current: authorities.current, n: count() })
    .from(authorities)
    .groupBy(authorities.current);
  return {
    id,
    source: input.source,
    changed: writes.length > 0,
    counts,
    rejected: parsed.rejected,
    current: totals.find((t) => t.current)?.n ?? 0,
    former: totals.find((t) => !t.current)?.n ?? 0,
  };
}
