// Bringing in the NCSC's hand-kept list: a CSV of authority code, address, kind, team and phone. Each row
// is registered like any other (confirmation, or approval for a foreign domain), or, when an admin vouches
// for the list, approved and confirmed at once with the reason recorded. Re-running a file changes nothing.
import { type CsvError, parse } from 'csv-parse/browser/esm/sync';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { describeIssues } from '../../openapi.js';
import { decodeImportText } from '../authority-register/import-text.js';
import { registerMailbox } from './register-mailbox.js';
import { MailboxRegistration } from './schemas.js';

const headerAliases: Record<string, keyof RowFields> = {
  authority: 'authority',
  'authority code': 'authority',
  'authority-code': 'authority',
  'local-authority-code': 'authority',
  code: 'authority',
  address: 'address',
  email: 'address',
  'e-mail': 'address',
  mailbox: 'address',
  kind: 'kind',
  team: 'team',
  'team name': 'team',
  phone: 'phone',
  telephone: 'phone',
};

interface RowFields {
  authority: string;
  address: string;
  kind: string;
  team: string;
  phone: string;
}

export type RowOutcome = 'pending' | 'awaiting-approval' | 'confirmed' | 'unchanged' | 'rejected';

export interface MailboxImportRow {
  line: number;
  authority: string;
  address: string;
  outcome: RowOutcome;
  detail?: string;
}

export interface MailboxImportReport {
  rows: MailboxImportRow[];
  counts: Record<RowOutcome, number>;
  changed: boolean;
}

export interface MailboxImportOptions {
  /** The admin vouches for every address: approved and confirmed at once, with this reason. */
  confirmedReason?: string;
  /** With `confirmedReason`: tell each address (and any it replaces) it is confirmed (default true). */
  notify?: boolean;
  onRow?: (row: MailboxImportRow, index: number, total: number) => void;
}

function parseRows(text: string): Array<{ line: number; fields: Partial<RowFields> }> {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (err) {
    throw new AppError('validation_failed', `This is not a readable CSV file: ${(err as CsvError).message}`);
  }
  const [header, ...body] = records;
  if (!header) throw new AppError('validation_failed', 'The file is empty.');
  const columns = header.map((h) => headerAliases[h.toLowerCase().trim()]);
  const missing = (['authority', 'address', 'kind', 'team', 'phone'] as const).filter(
    (c) => !columns.includes(c),
  );
  if (missing.length)
    throw new AppError(
      'validation_failed',
      `The header must name the columns authority, address, kind, team and phone; missing: ${missing.join(', ')}.`,
    );
  return body.map((cells, i) => {
    const fields: Partial<RowFields> = {};
    columns.forEach((c, j) => {
      if (c) fields[c] = cells[j] ?? '';
    });
    return { line: i + 2, fields };
  });
}

export async function importMailboxes(
  deps: Deps,
  actor: ActorContext,
  content: string | Uint8Array,
  options: MailboxImportOptions = {},
): Promise<MailboxImportReport> {
  const text = decodeImportText(content, deps.config.IMPORT_LIMIT_BYTES, 'a CSV file of mailboxes');
  const parsed = parseRows(text);
  const rows: MailboxImportRow[] = [];
  for (const [index, { line, fields }] of parsed.entries()) {
    const base = { line, authority: (fields.authority ?? '').toUpperCase(), address: fields.address ?? '' };
    const input = MailboxRegistration.safeParse({ ...fields, kind: fields.kind?.toLowerCase() });
    let row: MailboxImportRow;
    if (!input.success) {
      row = { ...base, outcome: 'rejected', detail: describeIssues(input.error.issues) };
    } else {
      try {
        const result = await registerMailbox(deps, actor, input.data, {
          skipLimits: true,
          vouchedReason: options.confirmedReason,
          notifyVouched: options.notify ?? true,
          resendPending: false,
        });
        row = {
          ...base,
          address: result.mailbox?.address ?? base.address,
          outcome: result.outcome === 'created' ? (result.state as RowOutcome) : 'unchanged',
          detail: result.warnings[0],
        };
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        row = { ...base, outcome: 'rejected', detail: err.message };
      }
    }
    rows.push(row);
    options.onRow?.(row, index, parsed.length);
  }
  const counts: Record<RowOutcome, number> = {
    pending: 0,
    'awaiting-approval': 0,
    confirmed: 0,
    unchanged: 0,
    rejected: 0,
  };
  for (const r of rows) counts[r.outcome]++;
  return { rows, counts, changed: counts.pending + counts['awaiting-approval'] + counts.confirmed > 0 };
}
