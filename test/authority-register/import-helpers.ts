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
