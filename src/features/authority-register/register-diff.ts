// What an import of the register would change, as a reviewer reads it: authorities added, ended (with
// their successors), renamed, re-typed, moved between regions, and any other detail changed. Pure: the
// stored authorities and the file's rows in, the diff out. `register sync --dry-run` and
// `POST /api/v1/register/imports?dryRun=true` show it; a held import keeps it for the admin who decides.
import type { authorities } from '../../db/schema.js';
import type { DatedRegisterRow } from './register-dates.js';

type Authority = typeof authorities.$inferSelect;

export interface RegisterDiff {
  /** New authorities; `shadow` when their start date is still to come (they vest on it). */
  added: Array<{
    code: string;
    name: string;
    nation: string;
    type: string;
    startDate: string | null;
    shadow: boolean;
  }>;
  ended: Array<{ code: string; name: string; endDate: string | null; successors: string[] }>;
  /** Current authorities given an end date still to come: they end on it (their mailboxes offered to the successors now). */
  ending: Array<{ code: string; name: string; endDate: string; successors: string[] }>;
  renamed: Array<{ code: string; from: string; to: string }>;
  retyped: Array<{ code: string; name: string; from: string; to: string }>;
  movedRegion: Array<{ code: string; name: string; from: string; to: string }>;
  /** Other changed details (GSS code, county, dates, alternative names …), by field name. */
  otherChanges: Array<{ code: string; name: string; fields: string[] }>;
  /** Current authorities in the register that the file does not list at all (a truncated file?). */
  missing: Array<{ code: string; name: string }>;
  unchanged: number;
}

const otherFields = ['shortName', 'gss', 'county', 'startDate', 'endDate', 'replacedBy', 'altNames'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffRegister(stored: readonly Authority[], rows: readonly DatedRegisterRow[]): RegisterDiff {
  const byCode = new Map(stored.map((a) => [a.code, a]));
  const inFile = new Set(rows.map((r) => r.code));
  const diff: RegisterDiff = {
    added: [],
    ended: [],
    ending: [],
    renamed: [],
    retyped: [],
    movedRegion: [],
    otherChanges: [],
    missing: stored
      .filter((a) => a.current && !inFile.has(a.code))
      .map((a) => ({ code: a.code, name: a.name })),
    unchanged: 0,
  };
  for (const row of rows) {
    const was = byCode.get(row.code);
    if (!was) {
      diff.added.push({
        code: row.code,
        name: row.name,
        nation: row.nation,
        type: row.type,
        startDate: row.startDate,
        shadow: row.shadow,
      });
      continue;
    }
    let changed = false;
    const ends = was.current && !row.current;
    if (ends) {
      diff.ended.push({ code: row.code, name: row.name, endDate: row.endDate, successors: row.replacedBy });
      changed = true;
    }
    if (row.current && row.endDate !== null && was.endDate !== row.endDate) {
      diff.ending.push({ code: row.code, name: row.name, endDate: row.endDate, successors: row.replacedBy });
      changed = true;
    }
    if (was.name !== row.name) {
      diff.renamed.push({ code: row.code, from: was.name, to: row.name });
      changed = true;
    }
    if (was.type !== row.type) {
      diff.retyped.push({ code: row.code, name: row.name, from: was.typeName, to: row.typeName });
      changed = true;
    }
    if (was.region !== row.region || was.nation !== row.nation) {
      diff.movedRegion.push({ code: row.code, name: row.name, from: was.region, to: row.region });
      changed = true;
    }
    // An ending's own end date and successors are part of "ended" or "ending", not other changes.
    const endingSoon = row.current && row.endDate !== null;
    const fields = otherFields.filter(
      (f) => !same(was[f], row[f]) && !((ends || endingSoon) && (f === 'endDate' || f === 'replacedBy')),
    );
    if (!was.current && row.current) fields.push('current' as never);
    if (fields.length) {
      diff.otherChanges.push({ code: row.code, name: row.name, fields });
      changed = true;
    }
    if (!changed) diff.unchanged++;
  }
  return diff;
}

/** The diff in a few words: "3 added, 12 ended, 1 renamed …" (what is empty is left out). */
export function diffSummary(diff: RegisterDiff): string {
  const parts = [
    [diff.added.length, 'added'],
    [diff.ended.length, 'ended'],
    [diff.ending.length, 'ending on a date to come'],
    [diff.renamed.length, 'renamed'],
    [diff.retyped.length, 're-typed'],
    [diff.movedRegion.length, 'moved region'],
    [diff.otherChanges.length, 'other details changed'],
    [diff.missing.length, 'missing from the file'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return said.length ? said.join(', ') : 'no change';
}
