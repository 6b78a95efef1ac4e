// CSV (RFC 4180) fields and lines for every download: quoted when they need it, and text a spreadsheet
// would run as a formula made inert.

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
