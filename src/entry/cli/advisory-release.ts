// `advisory dispatch|release|approve|cancel`: release control and one drain of the fan-out queue from the
// console, with a progress bar.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { cliPrincipal } from '../../domain/principal.js';
import { dispatchOptions, drainDeliveries } from '../../features/advisories/dispatch.js';
import { approveAdvisory, cancelAdvisory, releaseAdvisory } from '../../features/advisories/release.js';
import { advisoryReport } from '../../features/advisories/report.js';
import { reportCsv } from '../../features/advisories/report-csv.js';
import { queueSummary, totals } from '../../features/outbound/queue-summary.js';
import { type CliCommand, type CliIo, parseWith, UsageError } from './io.js';
import { describeHeld } from './mail.js';

const actor = { principal: cliPrincipal };
const IdArg = z.string({ message: 'give the advisory id' }).min(1).max(64);

export const advisoryReleaseUsage = `advisory release <id>
advisory approve <id>
advisory cancel <id> [--reason TEXT]
advisory dispatch [--advisory ID]       send everything due now, once, with a progress bar`;

function oneId(rest: string[], options: Record<string, { type: 'string' | 'boolean' }> = {}) {
  const { values, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('give exactly one advisory id');
  return { id: parseWith(IdArg, positionals[0]), values };
}

export const advisoryReleaseCommand: CliCommand = async (ctx, args) => {
  const { id } = oneId(args);
  const outcome = await releaseAdvisory(await ctx.deps(), actor, id);
  ctx.io.out(
    outcome.state === 'awaiting-approval'
      ? `Advisory ${id} waits for a second admin: it reaches more than one WARP or is TLP:RED.`
      : `Advisory ${id} released: ${outcome.deliveries} deliveries created. Run "advisory dispatch" or let the service send them.`,
  );
  return 0;
};

export const advisoryApproveCommand: CliCommand = async (ctx, args) => {
  const { id } = oneId(args);
  const outcome = await approveAdvisory(await ctx.deps(), actor, id);
  ctx.io.out(`Advisory ${id} approved: ${outcome.deliveries} deliveries created.`);
  return 0;
};

export const advisoryCancelCommand: CliCommand = async (ctx, args) => {
  const { id, values } = oneId(args, { reason: { type: 'string' } });
  const reason = parseWith(z.string().trim().max(500).optional(), values.reason);
  const outcome = await cancelAdvisory(await ctx.deps(), actor, id, reason);
  ctx.io.out(`Advisory ${id} cancelled: ${outcome.stoppedDeliveries} deliveries not yet sent were stopped.`);
  return 0;
};

function bar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%`;
}

function progressPrinter(io: CliIo, total: number) {
  let last = 0;
  return (s: { claimed: number; delivered: number; retrying: number; failed: number }, force = false) => {
    const done = s.delivered + s.retrying + s.failed;
    const now = Date.now();
    if (!force && now - last < 200) return;
    last = now;
    io.progress(
      `${bar(done, total)} ${done}/${total}  delivered ${s.delivered}  retrying ${s.retrying}  failed ${s.failed}`,
    );
  };
}

export const advisoryDispatchCommand: CliCommand = async (ctx, args) => {
  const { values } = parseArgs({ args, options: { advisory: { type: 'string' } }, strict: true });
  const advisoryId = values.advisory ? parseWith(IdArg, values.advisory) : undefined;
  const deps = await ctx.deps();
  const before = totals(await queueSummary(deps, advisoryId));
  // Due now, and claims of a stopped worker whose lease ran out (taken over now).
  const total = before.due + before.abandoned;
  const show = progressPrinter(ctx.io, total);
  const stats = await drainDeliveries(
    deps,
    dispatchOptions(deps, { advisoryId, onProgress: (s) => show(s) }),
  );
  show(stats, true);
  ctx.io.finish();
  const after = await queueSummary(deps, advisoryId);
  const left = totals(after);
  ctx.io.out(
    `Sent ${stats.claimed} messages: ${stats.delivered} delivered, ${stats.failed} failed, ${stats.retrying} to retry.` +
      (stats.resent
        ? ` ${stats.resent} were taken over from a stopped worker and may have been sent twice.`
        : '') +
      (left.nextAt ? ` Next retry due ${new Date(left.nextAt).toISOString()}.` : ''),
  );
  describeHeld(ctx.io, after);
  if (after.paused)
    ctx.io.out(
      `Sending is PAUSED: ${after.paused.reason}. Nothing more is sent until a probe goes through or \`mail resume\`.`,
    );
  return stats.failed > 0 || after.paused ? 1 : 0;
};

export const advisoryReportUsage =
  'advisory report <id> [--csv|--json]     per council: mailbox, status, acknowledged (a table; or CSV, or JSON)';

/** The report as a table people read: one line per mailbox, then the totals. */
export function reportTable(report: Awaited<ReturnType<typeof advisoryReport>>): string[] {
  const rows = report.items.map((i) => [
    i.authorityName ? `${i.authorityName} (${i.authority})` : 'Test audience',
    i.mailbox,
    i.status,
    i.acknowledgedAt
      ? `${i.acknowledgedAt.slice(0, 16).replace('T', ' ')} by ${i.acknowledgedBy ?? ''}`
      : 'not yet',
  ]);
  const head = ['COUNCIL', 'MAILBOX', 'STATUS', 'ACKNOWLEDGED'];
  const widths = head.map((h, c) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[c]!.length))));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const s = report.summary;
  return [
    `${report.advisory.reference} (${report.advisory.state}, TLP:${report.advisory.tlp})`,
    line(head),
    ...rows.map(line),
    `${s.deliveries} deliveries: ${s.byStatus.delivered} delivered, ${s.byStatus['permanent-failure']} failed for good; ${s.councilsAcknowledged} of ${s.councils} councils acknowledged.`,
  ];
}

export const advisoryReportCommand: CliCommand = async (ctx, args) => {
  const { id, values } = oneId(args, { csv: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.csv && values.json) throw new UsageError('choose --csv or --json, not both');
  const report = await advisoryReport(await ctx.deps(), cliPrincipal, id);
  if (values.csv) ctx.io.out(reportCsv(report).trimEnd());
  else if (values.json) ctx.io.out(JSON.stringify(report, null, 2));
  else for (const l of reportTable(report)) ctx.io.out(l);
  return 0;
};
