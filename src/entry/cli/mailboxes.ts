// `mailboxes import <file.csv> [--confirmed --reason TEXT]`: load the NCSC's existing list, row by row.
import { z } from 'zod';
import { cliPrincipal } from '../../domain/principal.js';
import { importMailboxes } from '../../features/mailboxes/import-mailboxes.js';
import { readLocalFile } from './authority-register.js';
import { defineCommand } from './command.js';
import { type CliContext, parseWith } from './io.js';

const ImportArgs = z
  .object({
    file: z.string({ message: 'give the CSV file to import' }).min(1, 'give the CSV file to import'),
    confirmed: z.boolean().optional(),
    reason: z.string().trim().min(3, '--reason must say why you vouch for the addresses').max(500).optional(),
    json: z.boolean().optional(),
    quiet: z.boolean().optional(),
  })
  .strict()
  .refine((a) => !a.confirmed || a.reason, {
    message: '--confirmed needs --reason "<text>"',
    path: ['reason'],
  })
  .refine((a) => a.confirmed || !a.reason, { message: '--reason goes with --confirmed', path: ['reason'] })
  .refine((a) => a.confirmed || !a.quiet, {
    message: '--quiet goes with --confirmed (a new address always needs its confirmation link)',
    path: ['quiet'],
  });

const mailboxes = defineCommand('mailboxes', [
  {
    verb: 'import',
    summary: 'many mailboxes from a CSV file, row by row',
    args: [{ name: '<file.csv>' }],
    options: {
      confirmed: { type: 'boolean' },
      reason: { type: 'string', value: '"<why you vouch for these addresses>"' },
      quiet: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    notes: [
      'columns: authority, address, kind (primary|secondary|out-of-hours), team, phone',
      'without --confirmed each new address is sent a confirmation link; --confirmed (with --reason) vouches for',
      'them: each is told it is confirmed (and a primary it replaces, that it was replaced), unless --quiet',
    ],
    run: (ctx, { args, values }) => importFile(ctx, parseWith(ImportArgs, { file: args[0], ...values })),
  },
]);

export const mailboxesUsage = mailboxes.usage;
export const mailboxesCommand = mailboxes.run;

async function importFile(ctx: CliContext, input: z.output<typeof ImportArgs>): Promise<number> {
  const deps = await ctx.deps();
  const content = await readLocalFile(deps, input.file, () => {});
  const report = await importMailboxes(deps, { principal: cliPrincipal }, content, {
    confirmedReason: input.confirmed ? input.reason : undefined,
    notify: !input.quiet,
    onRow: (row, i, total) => {
      if (!input.json)
        ctx.io.out(
          `line ${row.line}  ${row.authority.padEnd(5)} ${row.address}  ${row.outcome}${row.detail ? ` — ${row.detail}` : ''}`,
        );
      ctx.io.progress(`${i + 1}/${total} rows`);
    },
  });
  ctx.io.finish();
  if (input.json) ctx.io.out(JSON.stringify(report, null, 2));
  else {
    const c = report.counts;
    ctx.io.out(
      `${report.changed ? 'Imported' : 'No changes'}: ${c.confirmed} confirmed, ${c.pending} sent a confirmation link, ${c['awaiting-approval']} awaiting approval, ${c.unchanged} unchanged, ${c.rejected} rejected.`,
    );
    if (c.confirmed > 0)
      ctx.io.out(
        input.quiet
          ? 'The confirmed addresses were not told (--quiet).'
          : 'Each confirmed address has been told it is confirmed (and a primary it replaced, that it was replaced).',
      );
  }
  return report.counts.rejected > 0 ? 1 : 0;
}
