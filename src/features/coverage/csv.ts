// Coverage and the chase list as CSV (RFC 4180), with the JSON's names as the header and the same rules as
// the delivery report's CSV (formula-looking text made inert).
import { csvLine } from '../../lib/csv.js';
import type { ChaseItem } from './chase.js';
import { type DisclosedGroup, type DisclosedReport, withheldFigures } from './disclosure.js';

export const coverageColumns = [
  'key',
  'label',
  'authorities',
  ...withheldFigures,
  'suppressed',
] as const satisfies ReadonlyArray<keyof DisclosedGroup>;

/** One line per group, then the total (key `all`); withheld figures are empty. */
export function coverageCsv(report: DisclosedReport): string {
  const lines = [
    csvLine(['by', ...coverageColumns]),
    ...[...report.groups, report.total].map((g) =>
      csvLine([report.by, ...coverageColumns.map((c) => (typeof g[c] === 'boolean' ? String(g[c]) : g[c]))]),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export const chaseColumns = [
  'code',
  'name',
  'nation',
  'region',
  'type',
  'warp',
  'bucket',
  'missing',
  'since',
  'reason',
  'contacts',
  'lastChasedAt',
  'concerns',
] as const;

export function chaseCsv(items: readonly ChaseItem[]): string {
  const lines = [
    csvLine(chaseColumns),
    ...items.map((i) =>
      csvLine([
        i.code,
        i.name,
        i.nation,
        i.region,
        i.type,
        i.warp?.id ?? null,
        i.bucket,
        i.missing,
        i.since,
        i.reason,
        i.contacts
          .map((m) => `${m.address} (${m.kind}, ${m.state}; ${m.team}${m.phone ? `; ${m.phone}` : ''})`)
          .join(' | '),
        i.lastChasedAt,
        i.concerns.map((c) => c.reason).join(' | '),
      ]),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
