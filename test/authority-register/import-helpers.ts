// Helpers for the register import tests: the shared CSV as rows, edits to it, and a snapshot of the register.
import { parse } from 'csv-parse/sync';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { auditLog, authorities, authorityDomains, authoritySuccessors, warps } from '../../src/db/schema.js';
import { registerCsv } from '../support/msw.js';

export const registerText = () => registerCsv().toString('utf8');

/** The shared CSV as a header and rows of fields. */
export function registerTable(): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parse(registerText()) as string[][];
  return { header: header!, rows };
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function toCsv(header: string[], rows: string[][]): string {
  return `${[header, ...rows].map((r) => r.map(quote).join(',')).join('\n')}\n`;
}

/** The shared CSV with some rows' fields changed (by local-authority-code). */
export function editedCsv(edits: Record<string, Record<string, string>>): string {
  const { header, rows } = registerTable();
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    return i;
  };
  const codeCol = col('local-authority-code');
  const seen = new Set<string>();
  const edited = rows.map((r) => {
    const change = edits[r[codeCol]!];
    if (!change) return r;
    seen.add(r[codeCol]!);
    const copy = [...r];
    for (const [name, value] of Object.entries(change)) copy[col(name)] = value;
    return copy;
  });
  for (const code of Object.keys(edits)) if (!seen.has(code)) throw new Error(`no row ${code}`);
  return toCsv(header, edited);
}

/** Everything an import may write, to compare before and after. */
export async function registerSnapshot(db: Db) {
  return {
    authorities: await db.select().from(authorities).orderBy(asc(authorities.code)),
    successors: await db
      .select()
      .from(authoritySuccessors)
      .orderBy(asc(authoritySuccessors.code), asc(authoritySuccessors.successor)),
    warps: await db.select().from(warps).orderBy(asc(warps.id)),
    domains: await db
      .select()
      .from(authorityDomains)
      .orderBy(asc(authorityDomains.authorityCode), asc(authorityDomains.domain)),
    audit: await db.select().from(auditLog).orderBy(asc(auditLog.id)),
  };
}

export async function auditOf(db: Db, action: string) {
  return db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));
}

/** The codes of Kent County Council and its twelve current districts in the shared register. */
export function kentCodes(): string[] {
  const { header, rows } = registerTable();
  const col = (name: string) => header.indexOf(name);
  return rows
    .filter(
      (r) =>
        r[col('local-authority-code')] === 'KEN' ||
        (r[col('county-la')] === 'KEN' && r[col('current-authority')] === 'True'),
    )
    .map((r) => r[col('local-authority-code')]!);
}

/**
 * The shared register with Kent and its districts ending the day before `vesting`, replaced by two new
 * unitaries, West Kent (KEW) and East Kent (KEE), that start on it.
 */
export function kentReorganised(vesting: string): string {
  const { header } = registerTable();
  const col = (name: string) => header.indexOf(name);
  const dayBefore = new Date(`${vesting}T12:00:00Z`);
  dayBefore.setUTCDate(dayBefore.getUTCDate() - 1);
  const end = dayBefore.toISOString().slice(0, 10);
  const ending = Object.fromEntries(
    kentCodes().map((code) => [
      code,
      { 'current-authority': 'False', 'end-date': end, 'replaced-by': 'KEW,KEE' },
    ]),
  );
  const unitary = (code: string, name: string) => {
    const row = header.map(() => '');
    const set = (n: string, v: string) => {
      row[col(n)] = v;
    };
    set('local-authority-code', code);
    set('official-name', `${name} Council`);
    set('nice-name', name);
    set('nation', 'England');
    set('region', 'South East');
    set('local-authority-type', 'UA');
    set('local-authority-type-name', 'Unitary authority');
    set('start-date', vesting);
    set('current-authority', 'True');
    return row;
  };
  const body = editedCsv(ending).trimEnd();
  const added = toCsv(header, [unitary('KEW', 'West Kent'), unitary('KEE', 'East Kent')])
    .split('\n')
    .slice(1);
  return `${body}\n${added.join('\n')}`;
}

/** The shared register with the first `n` current councils of England ended (no successors, no date). */
export function englishCouncilsEnded(n: number): string {
  const { header, rows } = registerTable();
  const current = header.indexOf('current-authority');
  const nation = header.indexOf('nation');
  let left = n;
  const edited = rows.map((r) =>
    r[current] === 'True' && r[nation] === 'England' && left-- > 0
      ? r.map((v, i) => (i === current ? 'False' : v))
      : r,
  );
  return toCsv(header, edited);
}
