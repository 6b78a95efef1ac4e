// The delivery report as CSV (RFC 4180): the same rows and names as the JSON items, fields quoted when they
// need it, and text a spreadsheet would run as a formula made inert.
import { csvLine } from '../../lib/csv.js';
import type { ReportItem } from './report.js';

export const reportColumns = [
  'authority',
  'authorityName',
  'mailbox',
  'mailboxKind',
  'status',
  'attempts',
  'resends',
  'reply',
  'deliveredAt',
  'acknowledgedAt',
  'acknowledgedBy',
] as const satisfies ReadonlyArray<keyof ReportItem>;

/** Rows of the report as CSV: the whole report, or one view of the deliveries (the same columns). */
export function reportCsv(report: {
  items: ReadonlyArray<Pick<ReportItem, (typeof reportColumns)[number]>>;
}): string {
  const lines = [
    csvLine(reportColumns),
    ...report.items.map((item) => csvLine(reportColumns.map((c) => item[c]))),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A safe download name: "NCSC-2026-0001-report.csv". */
export function reportFileName(reference: string): string {
  return `${reference.replace(/[^A-Za-z0-9-]/g, '_')}-report.csv`;
}
