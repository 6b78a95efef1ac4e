// Parsing and validating the register CSV (mySociety's uk_local_authorities_current.csv). A file that is
// not that CSV is refused as a whole; a row that fails validation is rejected with its line number.
// csv-parse's browser ESM build carries its own Buffer, so this runs on Workers as well as Node.

import { type CsvError, parse } from 'csv-parse/browser/esm/sync';
import { z } from 'zod';
import { authorityCodePattern } from '../../domain/authority-code.js';
import { AppError } from '../../errors.js';
import { type OnProgress, sniffTextKind } from './import-text.js';

/** The CSV columns the register keeps; every one must be in the header. */
export const registerColumns = [
  'local-authority-code',
  'official-name',
  'nice-name',
  'gss-code',
  'nation',
  'region',
  'local-authority-type',
  'local-authority-type-name',
  'county-la',
  'start-date',
  'end-date',
  'replaced-by',
  'current-authority',
  'alt-names',
] as const;

export const nations = ['England', 'Scotland', 'Wales', 'Northern Ireland'] as const;

const requiredText = (max = 300) =>
  z.string().trim().min(1, 'is empty').max(max, `is longer than ${max} characters`);
const optionalText = (max = 300) =>
  z
    .string()
    .trim()
    .max(max, `is longer than ${max} characters`)
    .transform((v) => (v === '' ? null : v));
const optionalDate = z
  .string()
  .trim()
  .refine((v) => v === '' || z.iso.date().safeParse(v).success, 'must be a date such as 2023-04-01')
  .transform((v) => (v === '' ? null : v));
const code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(authorityCodePattern, 'must be a register code such as BIR');

const RowSchema = z
  .object({
    'local-authority-code': code,
    'official-name': requiredText(),
    'nice-name': requiredText(),
    'gss-code': z
      .string()
      .trim()
      .toUpperCase()
      .refine((v) => v === '' || /^[EKNSW]\d{8}$/.test(v), 'must be a GSS code such as E08000025')
      .transform((v) => (v === '' ? null : v)),
    nation: z
      .string()
      .trim()
      .pipe(z.enum(nations, { message: `must be one of ${nations.join(', ')}` })),
    region: z.string().trim().max(100, 'is longer than 100 characters'),
    'local-authority-type': z
      .string()
      .trim()
      .regex(/^[A-Z]{2,6}$/, 'must be a type code such as NMD'),
    'local-authority-type-name': requiredText(100),
    'county-la': optionalText(20),
    'start-date': optionalDate,
    'end-date': optionalDate,
    'replaced-by': z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim().toUpperCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(authorityCodePattern, 'must list register codes such as CBD,WAF'))),
    'current-authority': z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false'], { message: 'must be True or False' }))
      .transform((v) => v === 'true'),
    'alt-names': optionalText(2000),
  })
  .transform((r) => ({
    code: r['local-authority-code'],
    name: r['official-name'],
    shortName: r['nice-name'],
    gss: r['gss-code'],
    nation: r.nation,
    region: r.region,
    type: r['local-authority-type'],
    typeName: r['local-authority-type-name'],
    county: r['county-la'],
    startDate: r['start-date'],
    endDate: r['end-date'],
    replacedBy: [...new Set(r['replaced-by'])],
    current: r['current-authority'],
    altNames: r['alt-names'],
  }))
  .superRefine((r, ctx) => {
    if (r.replacedBy.includes(r.code))
      ctx.addIssue({ code: 'custom', path: ['replaced-by'], message: 'names the authority itself' });
  });

/** One register entry as the CSV gives it. */
export type RegisterRow = z.output<typeof RowSchema>;

export interface RejectedRow {
  /** The line of the CSV file the row ends on (the header is line 1). */
  line: number;
  code?: string;
  reason: string;
}

export interface ParsedRegister {
  rows: Array<{ line: number; row: RegisterRow }>;
  rejected: RejectedRow[];
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

const notCsv = (detail: string) =>
  new AppError('bad_request', `The file is not the register CSV: ${detail}`, {
    extra: { expected: 'the mySociety uk_local_authorities CSV' },
  });

/** Parses the register CSV. Throws (refusing the whole file) when it is not that CSV. */
export function parseRegisterCsv(text: string, onProgress?: OnProgress): ParsedRegister {
  const kind = sniffTextKind(text);
  if (kind === 'json') throw notCsv('it looks like JSON.');
  if (kind === 'html') throw notCsv('it looks like an HTML or XML page.');

  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    const e = err as CsvError;
    throw notCsv(`${e.message ?? String(err)}.`);
  }
  const [headerRecord, ...body] = records;
  if (!headerRecord) throw new AppError('validation_failed', 'The file is empty: expected the register CSV.');
  const header = headerRecord.record.map((h) => h.trim());
  const missing = registerColumns.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    const found = header.slice(0, 8).join(', ') + (header.length > 8 ? ', …' : '');
    throw new AppError(
      'validation_failed',
      `The file is not the register CSV: its header lacks ${missing.length === 1 ? 'the column' : 'the columns'} ${missing.join(', ')} (it has: ${found || 'nothing'}).`,
      { errors: missing.map((c) => ({ path: 'header', message: `missing column "${c}"` })) },
    );
  }
  const duplicated = registerColumns.filter((c) => header.indexOf(c) !== header.lastIndexOf(c));
  if (duplicated.length > 0)
    throw new AppError(
      'validation_failed',
      `The file's header names ${duplicated.join(', ')} more than once, so its rows cannot be read safely.`,
    );
  if (body.length === 0)
    throw new AppError('validation_failed', 'The file has the register header but no rows.');

  const index = Object.fromEntries(registerColumns.map((c) => [c, header.indexOf(c)])) as Record<
    (typeof registerColumns)[number],
    number
  >;
  const rows: ParsedRegister['rows'] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  body.forEach(({ record, info }, i) => {
    const line = info.lines;
    if ((i + 1) % 100 === 0 || i === body.length - 1)
      onProgress?.({ phase: 'parsing', done: i + 1, total: body.length, unit: 'rows' });
    const rawCode = record[index['local-authority-code']]?.trim().toUpperCase() || undefined;
    if (record.length !== header.length) {
      rejected.push({
        line,
        code: rawCode,
        reason: `has ${record.length} fields where the header has ${header.length}`,
      });
      return;
    }
    const raw = Object.fromEntries(registerColumns.map((c) => [c, record[index[c]] ?? '']));
    const result = RowSchema.safeParse(raw);
    if (!result.success) {
      rejected.push({
        line,
        code: rawCode,
        reason: result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '),
      });
      return;
    }
    const row = result.data;
    const first = seen.get(row.code);
    if (first !== undefined) {
      rejected.push({
        line,
        code: row.code,
        reason: `repeats the code ${row.code} first seen on line ${first}`,
      });
      return;
    }
    seen.set(row.code, line);
    rows.push({ line, row });
  });
  return { rows, rejected };
}
