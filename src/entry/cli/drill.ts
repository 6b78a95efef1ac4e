// `drill schedule|list|start|report`: reachability drills from the console, as an admin (the operator holds the
// database). The service's scheduler starts a scheduled drill when its time comes.
import { z } from 'zod';
import type { Audience } from '../../db/schema.js';
import { drillRecurrences } from '../../domain/drill-states.js';
import { cliPrincipal } from '../../domain/principal.js';
import { audienceSpecHint, audienceSpecOf, parseAudienceSpec } from '../../features/drills/audience-spec.js';
import { listDrills } from '../../features/drills/list-drills.js';
import { type DrillReport, drillReport, type GroupFigures } from '../../features/drills/report.js';
import { drillReportCsv } from '../../features/drills/report-csv.js';
import { scheduleDrill } from '../../features/drills/schedule-drill.js';
import { DrillAudienceSchema, windowHoursSchema } from '../../features/drills/schemas.js';
import { startDrill } from '../../features/drills/start-drill.js';
import { defineCommand } from './command.js';
import { printList, UsageError } from './io.js';

const actor = { principal: cliPrincipal };

const audienceOption = z.string().transform((v, ctx) => {
  try {
    const parsed = DrillAudienceSchema.safeParse(parseAudienceSpec(v));
    if (parsed.success) return parsed.data as Audience;
    ctx.addIssue({ code: 'custom', message: `--audience: ${parsed.error.issues[0]?.message}` });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `--audience: ${(err as Error).message}` });
  }
  return z.NEVER;
});

const atOption = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v), {
    message: '--at is a date and time like 2026-12-01T09:00:00Z',
  })
  .transform((v) => new Date(v));

const minutes = (s: number | null) => (s === null ? '–' : `${(s / 60).toFixed(1)} min`);

function figuresLine(g: GroupFigures): string {
  return `${g.group.padEnd(28)} ${String(g.councils).padStart(5)} ${String(g.reached).padStart(7)} ${String(g.acknowledged).padStart(6)} ${String(g.acknowledgedInWindow).padStart(9)} ${minutes(g.medianSeconds).padStart(10)} ${minutes(g.p90Seconds).padStart(10)}`;
}

function reportLines(r: DrillReport): string[] {
  const head = `${'group'.padEnd(28)} ${'councils'.padStart(5)} reached ${'acked'.padStart(6)} ${'in window'.padStart(9)} ${'median'.padStart(10)} ${'p90'.padStart(10)}`;
  const lines = [
    `${r.drill.reference} (${r.drill.state}${r.final ? ', final' : ''}) to ${audienceSpecOf(r.drill.audience)}`,
    '',
    head,
    figuresLine(r.total),
  ];
  for (const [name, groups] of Object.entries(r.groups)) {
    lines.push('', `by ${name}:`);
    for (const g of groups) lines.push(figuresLine(g));
  }
  lines.push('', `never answered (${r.neverAnswered.length}):`);
  for (const c of r.neverAnswered) lines.push(`  ${c.code}  ${c.name}${c.reached ? '' : ' (not reached)'}`);
  lines.push('', `failed paths (${r.failedPaths.length}):`);
  for (const f of r.failedPaths) lines.push(`  ${f.code}  ${f.channel} ${f.target}: ${f.failure ?? ''}`);
  return lines;
}

const drill = defineCommand('drill', [
  {
    verb: 'schedule',
    summary: 'schedule a reachability drill (an exercise message to every confirmed mailbox and mobile)',
    options: {
      audience: { type: 'string', value: 'WHO', required: true, schema: audienceOption },
      at: { type: 'string', value: 'ISO', schema: atOption },
      'window-hours': { type: 'string', value: 'N', schema: windowHoursSchema },
      recurrence: {
        type: 'string',
        value: drillRecurrences.join('|'),
        schema: z.enum(drillRecurrences, {
          message: `--recurrence is one of ${drillRecurrences.join(', ')}`,
        }),
      },
      json: { type: 'boolean' },
    },
    notes: [
      `--audience: ${audienceSpecHint} (e.g. nation:Wales, warp:london)`,
      '--at: when it starts (default now: the service starts it within minutes); --window-hours: default 24',
    ],
    async run(ctx, { values }) {
      const deps = await ctx.deps();
      const view = await scheduleDrill(deps, actor, {
        audience: values.audience as Audience,
        scheduledFor: values.at as Date | undefined,
        windowHours: (values['window-hours'] as number | undefined) ?? 24,
        recurrence: (values.recurrence as (typeof drillRecurrences)[number] | undefined) ?? 'none',
      });
      if (values.json) ctx.io.out(JSON.stringify(view, null, 2));
      else
        ctx.io.out(
          `Drill ${view.reference} scheduled for ${view.scheduledFor} (id ${view.id}); the service starts it when its time comes.`,
        );
      return 0;
    },
  },
  {
    verb: 'list',
    summary: 'every drill, newest first: reference, state, when, audience',
    options: { json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const items = await listDrills(await ctx.deps(), cliPrincipal);
      printList(ctx.io, items, {
        json: values.json === true,
        empty: 'No drills yet.',
        line: (d) =>
          `${d.reference}  ${d.state.padEnd(9)}  ${d.scheduledFor}  ${d.windowHours}h  ${d.recurrence.padEnd(11)}  ${audienceSpecOf(d.audience)}`,
      });
      return 0;
    },
  },
  {
    verb: 'start',
    summary: 'start a scheduled drill now (its messages are queued; the service sends them)',
    args: [{ name: '<ref|id>', schema: z.string().min(1).max(64) }],
    async run(ctx, { args }) {
      const started = await startDrill(await ctx.deps(), actor, args[0] as string);
      ctx.io.out(
        `Drill ${started.drill.reference} started: ${started.paths} messages queued${started.more ? ' (the service writes the rest)' : ''}.`,
      );
      return 0;
    },
  },
  {
    verb: 'report',
    summary: 'who was reached and how fast they acknowledged (a table; or CSV, or JSON)',
    args: [{ name: '<ref|id>', schema: z.string().min(1).max(64) }],
    options: { csv: { type: 'boolean' }, json: { type: 'boolean' } },
    async run(ctx, { args, values }) {
      if (values.csv && values.json) throw new UsageError('choose --csv or --json, not both');
      const report = await drillReport(await ctx.deps(), cliPrincipal, args[0] as string);
      if (values.csv) ctx.io.out(drillReportCsv(report).trimEnd());
      else if (values.json) ctx.io.out(JSON.stringify(report, null, 2));
      else for (const l of reportLines(report)) ctx.io.out(l);
      return 0;
    },
  },
]);

export const drillUsage = drill.usage;
export const drillCommand = drill.run;
