// `checks run|sweep|bounce`: the reachability checks on demand from the console.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { cliPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { applyRegisterCalendar } from '../../features/authority-register/register-calendar.js';
import { completeDueHandovers } from '../../features/mailboxes/handover.js';
import { recordBounce } from '../../features/reachability/bounces.js';
import { sweepReconfirmations } from '../../features/reachability/reconfirm.js';
import { type DomainCheckRun, runChecks, runDomainChecks } from '../../features/reachability/run-checks.js';
import { askPendingOffers } from '../../features/reorganisation/carry-forward.js';
import { isDeliveryReport } from '../../mail/dsn.js';
import { defineCommand } from './command.js';
import { type CliContext, parseWith } from './io.js';

const RunArgs = z
  .object({
    domain: z
      .string()
      .regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i, '--domain must be a domain name')
      .optional(),
    due: z.boolean().optional(),
    json: z.boolean().optional(),
  })
  .strict();

function line(run: DomainCheckRun): string {
  const kinds = run.results.map((r) => `${r.kind}:${r.severity}`).join(' ');
  const marks = [
    run.markedUnreachable.length ? `${run.markedUnreachable.length} mailbox(es) marked unreachable` : '',
    run.restored.length ? `${run.restored.length} restored` : '',
  ]
    .filter(Boolean)
    .join(', ');
  // Every mailbox's status on every run, not only when this run changed it.
  const statuses = run.mailboxes.map((m) => `${m.address} ${m.status}`).join(', ');
  return `${run.domain}  ${kinds}${marks ? `  (${marks})` : ''}${statuses ? `  [${statuses}]` : ''}`;
}

const actor = { principal: cliPrincipal };

const checks = defineCommand('checks', [
  {
    verb: 'run',
    summary: 'DNS and mail-security checks of the mailbox domains (--due: only those due)',
    options: {
      domain: { type: 'string', value: 'DOMAIN' },
      due: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    run: (ctx, { values }) => runCommand(ctx, parseWith(RunArgs, values)),
  },
  {
    verb: 'sweep',
    summary: 're-confirmation links, reminders, stale marking, due handovers',
    options: { json: { type: 'boolean' } },
    run: (ctx, { values }) => sweepCommand(ctx, values.json === true),
  },
  {
    verb: 'bounce',
    summary: 'record a bounce (an RFC 3464 delivery report) from a file',
    args: [{ name: '<file.eml>' }],
    options: { 'envelope-to': { type: 'string', value: 'ADDR' }, json: { type: 'boolean' } },
    notes: ['its envelope recipient is ADDR, else its topmost X-Original-To'],
    run: (ctx, { args, values }) =>
      bounceCommand(
        ctx,
        args[0] as string,
        (values['envelope-to'] as string | undefined) ?? null,
        values.json === true,
      ),
  },
]);

export const checksUsage = checks.usage;
export const checksCommand = checks.run;

async function runCommand(ctx: CliContext, input: z.output<typeof RunArgs>): Promise<number> {
  {
    const deps = await ctx.deps();
    let checked = 0;
    const runs = input.domain
      ? [await runDomainChecks(deps, input.domain, actor)]
      : await runChecks(deps, {
          dueOnly: input.due,
          onDomain: (run) => {
            checked++;
            ctx.io.progress(`checked ${checked} domain(s)`);
            if (!input.json) ctx.io.out(line(run));
          },
        });
    if (input.json) ctx.io.out(JSON.stringify(runs, null, 2));
    else if (input.domain) {
      for (const run of runs) {
        ctx.io.out(line(run));
        for (const r of run.results) ctx.io.out(`  ${r.kind} (${r.severity}): ${r.summary}`);
        for (const m of run.mailboxes)
          ctx.io.out(
            `  mailbox ${m.address}: ${m.status}${m.reasons.length ? ` — ${m.reasons.join(' ')}` : ''}`,
          );
      }
    } else {
      ctx.io.finish();
      ctx.io.err(`Checked ${runs.length} domain(s).`);
    }
    return 0;
  }
}

async function sweepCommand(ctx: CliContext, json: boolean): Promise<number> {
  {
    const deps = await ctx.deps();
    ctx.io.progress('sweeping: re-confirmation links, reminders and stale mailboxes (1 of 3)');
    const result = await sweepReconfirmations(deps, actor);
    ctx.io.progress('sweeping: handovers that are due (2 of 3)');
    const handovers = await completeDueHandovers(deps, actor);
    ctx.io.progress(
      'sweeping: the register’s vesting and end dates, mailboxes offered to successors (3 of 3)',
    );
    const register = await applyRegisterCalendar(deps, actor);
    const offersAsked = await askPendingOffers(deps);
    ctx.io.progress('');
    ctx.io.finish();
    if (json)
      ctx.io.out(JSON.stringify({ ...result, handovers, register: { ...register, offersAsked } }, null, 2));
    else
      ctx.io.out(
        `Re-confirmation links sent: ${result.linksSent.length}; reminders: ${result.reminders.length}; marked stale: ${result.stale.length}; WARPs told: ${result.warps.length}; primaries handed over: ${handovers.handedOver.length}; authorities vested: ${register.vested.length}, ended: ${register.ended.length}; mailboxes asked to serve a successor: ${offersAsked}.`,
      );
    return 0;
  }
}

async function bounceCommand(ctx: CliContext, file: string, envelopeTo: string | null, json: boolean) {
  {
    const raw = await readFile(file, 'utf8');
    if (!isDeliveryReport(raw))
      throw new AppError(
        'validation_failed',
        `${file} is not a delivery report: a bounce is a multipart/report message with a message/delivery-status part (RFC 3464). Save the whole returned message, with its headers, as a .eml file.`,
      );
    const deps = await ctx.deps();
    const outcome = await recordBounce(deps, actor, raw, {
      source: 'cli',
      envelopeTo,
    });
    if (json) ctx.io.out(JSON.stringify(outcome, null, 2));
    else {
      if (outcome.matched)
        for (const r of outcome.recipients)
          ctx.io.out(
            `${r.recipient ?? '(unknown recipient)'}: ${r.action} ${r.status ?? ''} (${r.class}) → ${r.effect}`,
          );
      ctx.io.out(`Recorded: ${outcome.summary}.`);
    }
    return 0;
  }
}
