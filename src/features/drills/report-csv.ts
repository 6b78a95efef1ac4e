// A drill's report as CSV (RFC 4180): one row per path tried, with its council's figures beside it, so a
// spreadsheet can filter by council, channel or status. Text a spreadsheet would run is made inert.
import { csvLine } from '../../lib/csv.js';
import type { DrillReport } from './report.js';

export const drillCsvColumns = [
  'authority',
  'authorityName',
  'nation',
  'region',
  'warp',
  'type',
  'channel',
  'target',
  'status',
  'failure',
  'pathAcknowledgedAt',
  'councilReached',
  'councilAcknowledgedAt',
  'secondsToAcknowledge',
  'inWindow',
] as const;

export function drillReportCsv(report: Pick<DrillReport, 'councils'>): string {
  const lines = [csvLine(drillCsvColumns)];
  for (const c of report.councils)
    for (const p of c.paths)
      lines.push(
        csvLine([
          c.code,
          c.name,
          c.nation,
          c.region,
          c.warp,
          c.type,
          p.channel,
          p.target,
          p.status,
          p.failure,
          p.acknowledgedAt,
          c.reached ? 'yes' : 'no',
          c.acknowledgedAt,
          c.secondsToAcknowledge,
          c.inWindow ? 'yes' : 'no',
        ]),
      );
  return `${lines.join('\r\n')}\r\n`;
}

export function drillReportFileName(reference: string): string {
  return `${reference.replace(/[^A-Za-z0-9-]/g, '_')}-report.csv`;
}
