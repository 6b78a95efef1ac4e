// The delivery report as CSV (RFC 4180): the same rows and names as the JSON items, fields quoted when they
// need it, and text a spreadsheet would run as a formula made inert.
import type { AdvisoryReport, ReportItem } from './report.js';

export const reportColumns = [
  'authority',
  'authorityName',
  'mailbox',
  'mailboxKind',
  'status',
  'attempts',
  'reply',
  'deliveredAt',
  'acknowledgedAt',
  'acknowledgedBy',
] as const satisfies ReadonlyArray<keyof ReportItem>;

/**
 * One CSV field. A value a spreadsheet would read as a formula (starting =, +, -, @, or a tab or carriage
 * return before one) gets a leading single quote (OWASP "CSV injection"); then it is quoted when it holds a
 * comma, a quote, a line break or edge spaces.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: ReadonlyArray<string | number | null | undefined>): string {
  return values.map(csvField).join(',');
}

export function reportCsv(report: AdvisoryReport): string {
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
