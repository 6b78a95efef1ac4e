// `mail status|resume`: the outbound queue from the console — what is due, waiting, held by a worker (and
// until when), abandoned by a stopped one; whether sending is paused, why, and the next probe.
import { cliPrincipal } from '../../domain/principal.js';
import { type QueueSummary, queueSummary, totals } from '../../features/outbound/queue-summary.js';
import { resumeByAdmin } from '../../features/outbound/sender-state.js';
import { defineCommand } from './command.js';
import type { CliIo } from './io.js';

const at = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** The queue in lines a person reads: one per lane with anything in it, then held work and any pause. */
export function describeQueue(io: CliIo, summary: QueueSummary): void {
  const busy = summary.lanes.filter((l) => l.due + l.waiting + l.held + l.abandoned > 0);
  if (busy.length === 0) io.out('The queue is empty.');
  for (const l of busy) {
    const parts = [`${l.due} due now`];
    if (l.waiting) parts.push(`${l.waiting} waiting to retry (next ${at(l.nextAt)})`);
    if (l.held) parts.push(`${l.held} being sent by a worker (its lease runs until ${at(l.heldUntil)})`);
    if (l.abandoned) parts.push(`${l.abandoned} left by a stopped worker: due again, and may have been sent`);
    io.out(`${l.lane.padEnd(10)} ${parts.join('; ')}`);
  }
  describeHeld(io, summary);
  if (summary.paused)
    io.out(
      `Sending is PAUSED since ${summary.paused.since}: ${summary.paused.reason}\n` +
        `Next probe ${summary.paused.nextProbeAt ?? 'when the dispatcher next runs'}; or fix the cause and run \`npm run cli -- mail resume\`.`,
    );
}

/** What other workers hold: never reported as sent or as nothing to do. */
export function describeHeld(io: CliIo, summary: QueueSummary): void {
  const sum = totals(summary);
  if (sum.held > 0)
    io.out(
      `${sum.held} messages are held by another process. If it has stopped, they are sent again from ${at(sum.heldUntil)} (its lease runs out), with the same Message-ID.`,
    );
}

const mail = defineCommand('mail', [
  {
    verb: 'status',
    summary: 'the outbound queue: due, waiting, held, paused (exit 1 while paused)',
    options: { json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const summary = await queueSummary(await ctx.deps());
      if (values.json) ctx.io.out(JSON.stringify(summary, null, 2));
      else describeQueue(ctx.io, summary);
      return summary.paused ? 1 : 0;
    },
  },
  {
    verb: 'resume',
    summary: 'resume sending paused after a failure of our own',
    async run(ctx) {
      await resumeByAdmin(await ctx.deps(), { principal: cliPrincipal });
      ctx.io.out('Sending resumed: mail waiting after the failure is due again now.');
      return 0;
    },
  },
]);

export const mailUsage = mail.usage;
export const mailCommand = mail.run;
