// `register import|sync|domains|held|approve|refuse`: load the register CSV and the public-sector domain list
// from a file or an https URL, with progress on stderr and a summary on stdout; `--dry-run` says what would
// change; an import held for an admin (exit 3) is approved or refused here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { cliPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import {
  type DomainImportReport,
  importDomains,
  importDomainsFromUrl,
} from '../../features/authority-register/import-domains.js';
import {
  importRegister,
  type RegisterImportReport,
} from '../../features/authority-register/import-register.js';
import { importRegisterFromUrl, syncRegister } from '../../features/authority-register/import-sync.js';
import {
  formatBytes,
  type ImportProgress,
  type OnProgress,
  tooLarge,
} from '../../features/authority-register/import-text.js';
import {
  approveHeldImport,
  listHeldImports,
  refuseHeldImport,
} from '../../features/authority-register/register-hold.js';
import { defineCommand } from './command.js';
import { type CliContext, type CliIo, parseWith } from './io.js';

const SourceArgs = z
  .object({
    source: z
      .string({ message: 'give the file to import: a path or an https URL' })
      .trim()
      .min(1, 'give the file to import: a path or an https URL'),
    json: z.boolean().optional(),
    'dry-run': z.boolean().optional(),
  })
  .strict();

const HeldArgs = z
  .object({
    id: z
      .string({ message: 'give the held import’s id (register held lists them)' })
      .trim()
      .min(1, 'give the held import’s id (register held lists them)'),
    json: z.boolean().optional(),
  })
  .strict();

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

const actor = { principal: cliPrincipal };

const source = [{ name: '<path-or-https-url>' }];
const json = { json: { type: 'boolean' as const } };
const dryRun = {
  'dry-run': {
    type: 'boolean' as const,
    description: 'say what would change (and whether it would be held); write nothing',
  },
};
const heldId = [{ name: '<held-import-id>' }];

const register = defineCommand('register', [
  {
    verb: 'import',
    summary: 'load the local authority register (a CSV file or URL)',
    args: source,
    options: { ...json, ...dryRun },
    run: (ctx, { args, values }) =>
      importSource(ctx, 'import', parseWith(SourceArgs, { source: args[0], ...values })),
  },
  {
    verb: 'sync',
    summary: 'load it again from REGISTER_SOURCE_URL',
    options: { ...json, ...dryRun },
    run: (ctx, { values }) => syncCommand(ctx, values.json === true, values['dry-run'] === true),
  },
  {
    verb: 'held',
    summary: 'imports held for an admin’s decision (too large a change, or a suspect file)',
    options: json,
    run: (ctx, { values }) => heldCommand(ctx, values.json === true),
  },
  {
    verb: 'approve',
    summary: 'apply a held import',
    args: heldId,
    options: json,
    run: (ctx, { args, values }) =>
      decideCommand(ctx, 'approve', parseWith(HeldArgs, { id: args[0], ...values })),
  },
  {
    verb: 'refuse',
    summary: 'refuse a held import (nothing of it is applied)',
    args: heldId,
    options: json,
    run: (ctx, { args, values }) =>
      decideCommand(ctx, 'refuse', parseWith(HeldArgs, { id: args[0], ...values })),
  },
  {
    verb: 'domains',
    summary: 'load the councils’ e-mail domains (the public-sector domain list)',
    args: source,
    options: { ...json, ...dryRun },
    run: (ctx, { args, values }) =>
      importSource(ctx, 'domains', parseWith(SourceArgs, { source: args[0], ...values })),
  },
]);

export const registerUsage = register.usage;
export const registerCommand = register.run;

async function importSource(
  ctx: CliContext,
  verb: 'import' | 'domains',
  input: z.output<typeof SourceArgs>,
): Promise<number> {
  {
    const deps = await ctx.deps();
    const progress = progressLine(ctx.io);
    try {
      if (verb === 'import') {
        const options = { onProgress: progress.update, dryRun: input['dry-run'] === true };
        const report = isUrl(input.source)
          ? await importRegisterFromUrl(deps, actor, input.source, options)
          : await importRegister(
              deps,
              actor,
              { content: await readLocalFile(deps, input.source, progress.update), source: input.source },
              options,
            );
        progress.done();
        printRegisterReport(ctx.io, report, input.json);
        if (report.held && !report.dryRun) return 3;
      } else {
        const options = { onProgress: progress.update, dryRun: input['dry-run'] === true };
        const report = isUrl(input.source)
          ? await importDomainsFromUrl(deps, actor, input.source, options)
          : await importDomains(
              deps,
              actor,
              { content: await readLocalFile(deps, input.source, progress.update), source: input.source },
              options,
            );
        progress.done();
        printDomainReport(ctx.io, report, input.json);
      }
    } finally {
      progress.done();
    }
    return 0;
  }
}

async function syncCommand(ctx: CliContext, asJson: boolean, dryRun: boolean): Promise<number> {
  const deps = await ctx.deps();
  const progress = progressLine(ctx.io);
  try {
    ctx.io.err(`${dryRun ? 'Comparing' : 'Syncing'} the register with ${deps.config.REGISTER_SOURCE_URL}`);
    const report = await syncRegister(deps, actor, { onProgress: progress.update, dryRun });
    progress.done();
    printRegisterReport(ctx.io, report, asJson);
    return report.held && !report.dryRun ? 3 : 0;
  } finally {
    progress.done();
  }
}

async function heldCommand(ctx: CliContext, asJson: boolean): Promise<number> {
  const items = await listHeldImports(await ctx.deps());
  if (asJson) ctx.io.out(JSON.stringify(items, null, 2));
  else if (items.length === 0) ctx.io.out('No register import has been held.');
  else
    for (const h of items) {
      ctx.io.out(`${h.id}  ${h.state.padEnd(7)}  ${h.createdAt}  ${h.source}  (${h.summary})`);
      if (h.state === 'held') for (const r of h.reasons) ctx.io.out(`    ${r}`);
    }
  return 0;
}

async function decideCommand(
  ctx: CliContext,
  decision: 'approve' | 'refuse',
  input: z.output<typeof HeldArgs>,
): Promise<number> {
  const deps = await ctx.deps();
  if (decision === 'approve')
    printRegisterReport(ctx.io, await approveHeldImport(deps, actor, input.id), input.json);
  else {
    const refused = await refuseHeldImport(deps, actor, input.id);
    ctx.io.out(
      input.json
        ? JSON.stringify(refused, null, 2)
        : `Refused: ${refused.id} (${refused.summary}). Nothing of it was applied.`,
    );
  }
  return 0;
}

/** Reads a local file, refusing one over IMPORT_LIMIT_BYTES before reading it. */
export async function readLocalFile(deps: Deps, path: string, onProgress: OnProgress): Promise<Uint8Array> {
  const limit = deps.config.IMPORT_LIMIT_BYTES;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AppError('bad_request', `${path} is not a file.`);
    size = info.size;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      code === 'ENOENT' ? 'not_found' : 'bad_request',
      code === 'ENOENT' ? `There is no file at ${path}.` : `Cannot read ${path}: ${(err as Error).message}`,
    );
  }
  if (size > limit) throw tooLarge(size, limit);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    if (offset + buf.length > limit)
      throw tooLarge(`${path} grew past ${limit} bytes while being read`, limit);
    if (offset + buf.length > bytes.length) {
      throw new AppError('bad_request', `${path} changed while it was being read; try again.`);
    }
    bytes.set(buf, offset);
    offset += buf.length;
    onProgress({ phase: 'reading', done: offset, total: size, unit: 'bytes' });
  }
  return bytes.subarray(0, offset);
}

/** One status line on stderr: rewritten in place on a terminal, only at each phase's start and end elsewhere. */
function progressLine(io: CliIo) {
  let lastPhase: string | undefined;
  let lastShown = -1;
  let shown = false;
  const describe = (p: ImportProgress) => {
    const amount =
      p.unit === 'bytes'
        ? `${formatBytes(p.done)}${p.total ? ` of ${formatBytes(p.total)}` : ''}`
        : `${p.done}${p.total ? ` of ${p.total}` : ''} ${p.unit}`;
    const pct = p.total ? ` (${Math.floor((p.done / p.total) * 100)}%)` : '';
    return `${p.phase} ${amount}${pct}`;
  };
  return {
    update(p: ImportProgress) {
      const finished = p.total !== undefined && p.done >= p.total;
      const step = p.total ? Math.floor((p.done / p.total) * 100) : Math.floor(p.done / (256 * 1024));
      const newPhase = p.phase !== lastPhase;
      if (io.isTty ? newPhase || step !== lastShown || finished : newPhase || (finished && p.done > 0)) {
        io.progress(describe(p));
        shown = true;
      }
      lastPhase = p.phase;
      lastShown = step;
    },
    done() {
      if (shown && io.isTty) io.progress('');
      shown = false;
    },
  };
}

function printRegisterReport(io: CliIo, report: RegisterImportReport, asJson?: boolean) {
  if (asJson) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  const { counts } = report;
  io.out(
    `Register import ${report.id} from ${report.source}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
  io.out(
    `  added ${counts.added}, updated ${counts.updated}, ended ${counts.ended}, unchanged ${counts.unchanged}, rejected ${counts.rejected}`,
  );
  printDiff(io, report.diff);
  if (report.held) {
    io.out(
      report.dryRun
        ? '  It would be HELD for an admin’s approval:'
        : `  HELD for an admin’s approval (nothing changed): npm run cli -- register approve ${report.held.id}, or register refuse ${report.held.id}`,
    );
    for (const reason of report.held.reasons) io.out(`    ${reason}`);
  } else if (report.dryRun)
    io.out(
      report.changed
        ? '  It would be applied: run it again without --dry-run.'
        : '  No change: the register already matches this file.',
    );
  else
    io.out(
      report.changed
        ? `  The register now holds ${report.current} current and ${report.former} former authorities.`
        : `  No change: the register already matches this file (${report.current} current, ${report.former} former).`,
    );
  if (report.rejected.length) {
    io.err(
      `${report.rejected.length} row${report.rejected.length === 1 ? ' was' : 's were'} rejected and not applied:`,
    );
    for (const r of report.rejected.slice(0, 50))
      io.err(`  line ${r.line}${r.code ? ` (${r.code})` : ''}: ${r.reason}`);
    if (report.rejected.length > 50)
      io.err(`  … and ${report.rejected.length - 50} more (use --json to see all)`);
  }
}

/** The diff, a few lines of each kind of change. */
function printDiff(io: CliIo, diff: RegisterImportReport['diff']) {
  const some = <T>(title: string, items: T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    io.out(`  ${title} (${items.length}):`);
    for (const item of items.slice(0, 20)) io.out(`    ${line(item)}`);
    if (items.length > 20) io.out(`    … and ${items.length - 20} more (use --json to see all)`);
  };
  some(
    'added',
    diff.added,
    (a) => `${a.code} ${a.name} (${a.nation}${a.startDate ? `, from ${a.startDate}` : ''})`,
  );
  some(
    'ended',
    diff.ended,
    (e) => `${e.code} ${e.name}${e.successors.length ? ` → ${e.successors.join(', ')}` : ''}`,
  );
  some('renamed', diff.renamed, (r) => `${r.code} ${r.from} → ${r.to}`);
  some('re-typed', diff.retyped, (r) => `${r.code} ${r.name}: ${r.from} → ${r.to}`);
  some('moved region', diff.movedRegion, (m) => `${m.code} ${m.name}: ${m.from} → ${m.to}`);
  some('other details changed', diff.otherChanges, (o) => `${o.code} ${o.name}: ${o.fields.join(', ')}`);
  some('missing from the file (kept)', diff.missing, (m) => `${m.code} ${m.name}`);
}

function printDomainReport(io: CliIo, report: DomainImportReport, asJson?: boolean) {
  if (asJson) {
    io.out(JSON.stringify(report, null, 2));
    return;
  }
  const { counts } = report;
  const rate = `${(report.matchRate * 100).toFixed(1)}%`;
  io.out(
    `Domain import ${report.id} from ${report.source}${report.version ? ` (list version ${report.version})` : ''}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
  );
  io.out(
    `  ${counts.entries} local-authority domains: ${counts.matched} matched (${rate}), ${counts.added} ${report.dryRun ? 'would be added' : 'added'}, ${counts.alreadyPresent} already present, ${counts.unmatched} unmatched`,
  );
  if (report.dryRun) for (const a of report.added.slice(0, 50)) io.out(`    + ${a.domain} → ${a.code}`);
  if (report.unmatched.length) {
    io.out('  Unmatched (add them by hand if they belong to an authority):');
    for (const u of report.unmatched) io.out(`    ${u.domain}: ${u.reason}`);
  }
}
