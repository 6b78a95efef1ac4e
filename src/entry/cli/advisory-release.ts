// `advisory dispatch|release|approve|cancel`: release control and one drain of the fan-out queue from the
// console, with a progress bar.
import { z } from 'zod';
import { cliPrincipal } from '../../domain/principal.js';
import { dispatchOptions, drainDeliveries } from '../../features/advisories/dispatch.js';
import { approveAdvisory, cancelAdvisory, releaseAdvisory } from '../../features/advisories/release.js';
import { advisoryReport } from '../../features/advisories/report.js';
import { reportCsv } from '../../features/advisories/report-csv.js';
import { queueSummary, totals } from '../../features/outbound/queue-summary.js';
import type { VerbSpec } from './command.js';
import { type CliIo, UsageError } from './io.js';
import { describeHeld } from './mail.js';

const actor = { principal: cliPrincipal };
const IdArg = z.string({ message: 'give the advisory id' }).min(1).max(64);

const idArg = [{ name: '<id>', schema: IdArg }];

export const releaseVerb: VerbSpec = {
  verb: 'release',
  summary: 'release a draft (a send to more than one WARP, or TLP:RED, then waits for a second admin)',
  args: idArg,
  run: async (ctx, { args }) => {
    const id = args[0] as string;
    const outcome = await releaseAdvisory(await ctx.deps(), actor, id);
    ctx.io.out(
      outcome.state === 'awaiting-approval'
        ? `Advisory ${id} waits for a second admin: it reaches more than one WARP or is TLP:RED.`
        : `Advisory ${id} released: ${outcome.deliveries} deliveries created. Run "advisory dispatch" or let the service send them.`,
    );
    return 0;
  },
};

export const approveVerb: VerbSpec = {
  verb: 'approve',
  summary: 'approve, as a second admin, an advisory waiting for one',
  args: idArg,
  run: async (ctx, { args }) => {
    const id = args[0] as string;
    const outcome = await approveAdvisory(await ctx.deps(), actor, id);
    ctx.io.out(`Advisory ${id} approved: ${outcome.deliveries} deliveries created.`);
    return 0;
  },
};

export const cancelVerb: VerbSpec = {
  verb: 'cancel',
  summary: 'cancel a draft, or stop a send (what was delivered cannot be recalled)',
  args: idArg,
  options: {
    reason: {
      type: 'string',
      value: 'TEXT',
      schema: z.string().trim().max(500, '--reason is at most 500 characters'),
    },
  },
  run: async (ctx, { args, values }) => {
    const id = args[0] as string;
    const reason = values.reason as string | undefined;
    const outcome = await cancelAdvisory(await ctx.deps(), actor, id, reason);
    ctx.io.out(
      `Advisory ${id} cancelled: ${outcome.stoppedDeliveries} deliveries not yet sent were stopped.`,
    );
    return 0;
  },
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

export const dispatchVerb: VerbSpec = {
  verb: 'dispatch',
  summary: 'send everything due now, once, with a progress bar (only needed when no service is running)',
  options: { advisory: { type: 'string', value: 'ID', schema: IdArg } },
  run: async (ctx, { values }) => {
    const advisoryId = values.advisory as string | undefined;
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
  },
};

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

export const reportVerb: VerbSpec = {
  verb: 'report',
  summary: 'per council: mailbox, status, acknowledged (a table; or CSV, or JSON)',
  args: idArg,
  options: { csv: { type: 'boolean' }, json: { type: 'boolean' } },
  run: async (ctx, { args, values }) => {
    const id = args[0] as string;
    if (values.csv && values.json) throw new UsageError('choose --csv or --json, not both');
    const report = await advisoryReport(await ctx.deps(), cliPrincipal, id);
    if (values.csv) ctx.io.out(reportCsv(report).trimEnd());
    else if (values.json) ctx.io.out(JSON.stringify(report, null, 2));
    else for (const l of reportTable(report)) ctx.io.out(l);
    return 0;
  },
};
