// `advisory create <file.json|file.yaml> [--as-warp ID] [--json]`: a draft advisory from a file, checked
// with the API's own schema, then who it would reach. Nothing is sent.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { eq } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { warps } from '../../db/schema.js';
import { cliPrincipal, type Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { createAdvisory } from '../../features/advisories/create-advisory.js';
import { previewAdvisory } from '../../features/advisories/preview-advisory.js';
import { AdvisoryInput } from '../../features/advisories/schemas.js';
import { fieldErrors } from '../../openapi.js';
import type { VerbSpec } from './command.js';
import type { CliContext } from './io.js';

/** The file's content as data: JSON by its extension, YAML otherwise (YAML also reads JSON). */
export function parseAdvisoryFile(path: string, text: string): unknown {
  const isJson = extname(path).toLowerCase() === '.json';
  try {
    return isJson ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new AppError(
      'validation_failed',
      `${path} is not valid ${isJson ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    );
  }
}

function warpPrincipal(warpId: string): Principal {
  return {
    actor: 'cli',
    label: `command line as WARP ${warpId}`,
    role: 'warp',
    warpId,
    authorityCode: null,
    via: 'cli',
  };
}

export const createVerb: VerbSpec = {
  verb: 'create',
  summary: 'a draft from a file (JSON or YAML, the API’s fields)',
  args: [{ name: '<file.json|file.yaml>' }],
  options: {
    'as-warp': {
      type: 'string',
      value: 'ID',
      schema: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, '--as-warp must be a WARP id, like wales'),
    },
    json: { type: 'boolean' },
  },
  run: (ctx, { args, values }) =>
    createFromFile(ctx, args[0] as string, values['as-warp'] as string | undefined, values.json === true),
};

async function createFromFile(ctx: CliContext, path: string, asWarp: string | undefined, asJson: boolean) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AppError('not_found', `There is no file at ${path} that can be read.`);
  }
  const parsed = AdvisoryInput.safeParse(parseAdvisoryFile(path, text));
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues);
    throw new AppError(
      'validation_failed',
      `The advisory in ${path} is not valid (${errors.length} problem${errors.length === 1 ? '' : 's'}):`,
      {
        errors,
      },
    );
  }

  const deps = await ctx.deps();
  let principal = cliPrincipal;
  if (asWarp) {
    const warp = await deps.db.query.warps.findFirst({ where: eq(warps.id, asWarp) });
    if (!warp) throw new AppError('not_found', `There is no WARP with id "${asWarp}".`);
    principal = warpPrincipal(asWarp);
  }
  const advisory = await createAdvisory(deps, { principal }, parsed.data);
  const preview = await previewAdvisory(deps, principal, advisory.id);
  if (asJson) {
    ctx.io.out(JSON.stringify({ advisory, preview }, null, 2));
    return 0;
  }
  const out = ctx.io.out;
  out(`Created draft ${advisory.reference} (id ${advisory.id}): ${advisory.title}`);
  out(`  id:         ${advisory.id}`);
  out(`  reference:  ${advisory.reference}`);
  out(`  state:      ${advisory.state}`);
  out(
    `  TLP:        ${advisory.tlp}${advisory.test ? `  (test mode: test audience ${advisory.testAudience})` : ''}`,
  );
  out(`  councils:   ${preview.councils}`);
  out(
    `  mailboxes:  ${preview.mailboxes}${advisory.tlp === 'RED' ? ' (confirmed primaries only: TLP:RED)' : ''}`,
  );
  out(`  WARPs:      ${preview.warps.join(', ') || 'none'}`);
  out(`  councils without a mailbox: ${preview.withoutMailbox.length}`);
  if (preview.testAudience)
    out(
      `  test audience: ${preview.testAudience.name} (${preview.testAudience.addresses} addresses); no council receives it`,
    );
  if (preview.needsSecondApproval) out('  needs a second admin’s approval before it is sent');
  if (preview.withoutMailbox.length > 0 && preview.withoutMailbox.length <= 20)
    for (const m of preview.withoutMailbox) out(`    no mailbox: ${m.code}  ${m.name}`);
  ctx.io.err('Nothing has been sent. Release it when it is ready.');
  return 0;
}
