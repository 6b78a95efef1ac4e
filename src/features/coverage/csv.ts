// Coverage and the chase list as CSV (RFC 4180), with the JSON's names as the header and the same rules as
// the delivery report's CSV (formula-looking text made inert).
import { csvLine } from '../../lib/csv.js';
import type { ChaseItem } from './chase.js';
import type { CoverageGroup, CoverageReport } from './report.js';

export const coverageColumns = [
  'key',
  'label',
  'authorities',
  'confirmed',
  'stale',
  'unreachable',
  'pending',
  'none',
  'percentConfirmed',
  'percentStale',
  'percentUnreachable',
  'percentPending',
  'percentNone',
] as const satisfies ReadonlyArray<keyof CoverageGroup>;

/** One line per group, then the total (key `all`). */
export function coverageCsv(report: CoverageReport): string {
  const lines = [
    csvLine(['by', ...coverageColumns]),
    ...[...report.groups, report.total].map((g) => csvLine([report.by, ...coverageColumns.map((c) => g[c])])),
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
      ]),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
