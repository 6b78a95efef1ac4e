// `token create|list|revoke`: API tokens from the console.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { cliPrincipal } from '../../domain/principal.js';
import { createToken, listTokens, revokeToken, tokenRoles } from '../../features/auth/tokens.js';
import { type CliCommand, parseWith, printList, UsageError } from './io.js';

export const tokenUsage = `token create --role admin|warp|council|inbound [--warp ID] [--authority CODE] [--name TEXT] [--expires ISO-DATE]
token list [--all] [--json]
token revoke <id>`;

const CreateArgs = z
  .object({
    role: z.enum(tokenRoles, { message: `--role must be one of ${tokenRoles.join(', ')}` }),
    warp: z.string().min(1).optional(),
    authority: authorityCodeSchema('--authority must be a register code such as CRF').optional(),
    name: z.string().trim().min(1).max(200).optional(),
    expires: z.iso.datetime({ offset: true, message: '--expires must be an ISO date-time' }).optional(),
  })
  .strict();

export const tokenCommand: CliCommand = async (ctx, args) => {
  const [verb, ...rest] = args;
  if (verb === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        role: { type: 'string' },
        warp: { type: 'string' },
        authority: { type: 'string' },
        name: { type: 'string' },
        expires: { type: 'string' },
      },
      strict: true,
    });
    const input = parseWith(CreateArgs, values);
    const deps = await ctx.deps();
    const created = await createToken(
      deps,
      { principal: cliPrincipal },
      {
        role: input.role,
        name: input.name ?? `${input.role} token`,
        warpId: input.warp,
        authorityCode: input.authority,
        expiresAt: input.expires ? new Date(input.expires) : null,
      },
    );
    const scope = created.warp
      ? ` for WARP ${created.warp}`
      : created.authority
        ? ` for ${created.authority}`
        : '';
    ctx.io.err(`Created ${created.role} token ${created.id} "${created.name}"${scope}.`);
    ctx.io.err('Store it now: it is shown once and only its hash is kept.');
    ctx.io.out(created.token);
    return 0;
  }
  if (verb === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
      strict: true,
    });
    const deps = await ctx.deps();
    const tokens = await listTokens(deps, { includeRevoked: values.all });
    printList(ctx.io, tokens, {
      json: values.json,
      empty: 'No tokens.',
      line: (t) => {
        const scope = t.warp ? `warp=${t.warp}` : t.authority ? `authority=${t.authority}` : '';
        const state = t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`;
        return `${t.id}  ${t.role.padEnd(7)}  ${scope.padEnd(16)}  ${t.name}  (${state})`;
      },
    });
    return 0;
  }
  if (verb === 'revoke') {
    const [id, ...extra] = rest;
    if (!id || extra.length) throw new UsageError('token revoke takes one token id');
    const deps = await ctx.deps();
    const token = await revokeToken(deps, { principal: cliPrincipal }, id);
    ctx.io.out(`Revoked token ${token.id} "${token.name}" at ${token.revokedAt}.`);
    return 0;
  }
  throw new UsageError(`unknown token command "${verb ?? ''}"`);
};
