// Importing the register: diff the CSV against the stored authorities and apply every change, the default
// WARPs and one audit entry in ONE atomic batch. Upsert, never delete; a second import of the same file
// changes nothing and says so. Before anything is written the diff is checked (register-sanity.ts): an
// import that looks like a broken or truncated file, or a change larger than REGISTER_MAX_CHANGE_SHARE, is
// held for an admin's approval (register-held.ts, register-hold.ts) and changes nothing meanwhile. `dryRun` writes nothing
// and says what would happen.
import { and, count, eq, notInArray } from 'drizzle-orm';
import { type BatchItem, writeAll } from '../../db/client.js';
import { authorities, authoritySuccessors } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { ukDayKey } from '../../domain/uk-time.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { defaultWarpId, defaultWarpInserts, defaultWarpRegions } from './default-warps.js';
import { parseRegisterCsv, type RegisterRow, type RejectedRow } from './import-csv.js';
import { decodeImportText, type ImportInput, type OnProgress } from './import-text.js';
import { offerMailboxesOf } from './mailbox-offers.js';
import { type DatedRegisterRow, onDay } from './register-dates.js';
import { diffRegister, diffSummary, type RegisterDiff } from './register-diff.js';
import { holdImport } from './register-held.js';
import { registerSanity } from './register-sanity.js';

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
  /** What the file changes (or would change), authority by authority. */
  diff: RegisterDiff;
  /** True when nothing was written: only what would happen is reported. */
  dryRun: boolean;
  /**
   * Set when the import is held for an admin's approval (or, in a dry run, would be): why, and the held
   * import's id (null in a dry run).
   */
  held: { id: string | null; reasons: string[] } | null;
}

export interface ImportOptions {
  onProgress?: OnProgress;
  /** Say what would change, and whether it would be held; write nothing. */
  dryRun?: boolean;
  /**
   * An admin approved this held import: it is applied whatever the sanity checks say, its writes in one
   * batch with the approval's transition (register-hold.ts), which `write` runs.
   */
  approving?: { write: (writes: BatchItem[]) => Promise<void> };
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
  'shadow',
] as const satisfies ReadonlyArray<keyof DatedRegisterRow & keyof Authority>;

function differs(stored: Authority, row: DatedRegisterRow): boolean {
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
  const storedRows = await db.select().from(authorities);
  const stored = new Map(storedRows.map((a) => [a.code, a]));
  // Each row as it stands today: a start date to come makes a shadow, an end date to come keeps it current.
  const today = ukDayKey(now);
  const fileRows = parsed.rows.map((r) => onDay(r.row, today));
  const diff = diffRegister(storedRows, fileRows);
  const verdict = registerSanity(storedRows, fileRows, diff, deps.config.REGISTER_MAX_CHANGE_SHARE);
  const changes = { added: [] as string[], updated: [] as string[], ended: [] as string[] };
  let unchanged = 0;
  const writes: BatchItem[] = [];

  /** Authorities whose successors are named for the first time or changed: their mailboxes are offered. */
  const successorsNamed: string[] = [];
  for (const row of fileRows) {
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
      if (row.replacedBy.length) successorsNamed.push(row.code);
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
      if (row.replacedBy.length) successorsNamed.push(code);
    }
  }
  // Contacts carried forward: each confirmed mailbox of an authority that names successors is offered to
  // each of them, in this same write (advisories to a successor reach the offered mailboxes at once).
  if (successorsNamed.length) writes.push(offerMailboxesOf(db, successorsNamed, now));

  const counts: RegisterImportCounts = {
    added: changes.added.length,
    updated: changes.updated.length,
    ended: changes.ended.length,
    unchanged,
    rejected: parsed.rejected.length,
  };
  const totalsNow = async () => {
    const totals = await db
      .select({ current: authorities.current, n: count() })
      .from(authorities)
      .groupBy(authorities.current);
    return { current: totals.find((t) => t.current)?.n ?? 0, former: totals.find((t) => !t.current)?.n ?? 0 };
  };
  const report = (fields: { changed: boolean; dryRun: boolean; held: RegisterImportReport['held'] }) =>
    totalsNow().then((totals) => ({
      id,
      source: input.source,
      counts,
      rejected: parsed.rejected,
      diff,
      ...totals,
      ...fields,
    }));

  const holding = verdict.hold && !options.approving;
  if (options.dryRun)
    return report({
      changed: writes.length > 0,
      dryRun: true,
      held: verdict.hold ? { id: null, reasons: verdict.reasons } : null,
    });
  if (holding) {
    await holdImport(deps, actor, {
      id,
      source: input.source,
      content: text,
      reasons: verdict.reasons,
      diff,
    });
    return report({ changed: false, dryRun: false, held: { id, reasons: verdict.reasons } });
  }

  const applied = [
    ...defaultWarpInserts(deps),
    ...writes,
    auditEntry(db, actor, now, {
      action: 'register.import',
      subjectType: 'register',
      subjectId: id,
      after: { source: input.source, counts, changes, summary: diffSummary(diff) },
    }),
  ];
  const total = applied.length;
  options.onProgress?.({ phase: 'writing', done: 0, total, unit: 'statements' });
  await (options.approving ? options.approving.write(applied) : writeAll(db, applied));
  options.onProgress?.({ phase: 'writing', done: total, total, unit: 'statements' });

  return report({ changed: writes.length > 0, dryRun: false, held: null });
}
