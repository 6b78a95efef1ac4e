// `token create|list|revoke`: API tokens from the console.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { cliPrincipal } from '../../domain/principal.js';
import { createToken, listTokens, revokeToken, tokenRoles } from '../../features/auth/tokens.js';
import { type CliCommand, parseWith, printList, UsageError } from './io.js';

export const tokenUsage = `token create --role admin|warp|council|inbound [--warp ID] [--authority CODE] [--name TEXT] [--expires DATE]   a new API token, printed once
    --expires takes a date (2027-03-31: it works to the end of that day, UTC) or an ISO date-time, in the future
token list [--all] [--json]   tokens with their scope, expiry and last use (--all: revoked ones too)
token revoke <id>   revoke a token at once`;

/** When a token given `--expires` stops working: the end of a date (UTC), or the date-time itself. */
export function expiryOf(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError('--expires must be a date like 2027-03-31 or a date-time like 2027-03-31T17:00:00Z');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) date.setUTCDate(date.getUTCDate() + 1);
  if (date.getTime() <= Date.now())
    throw new UsageError(`--expires must be in the future (${value} has passed)`);
  return date;
}

const CreateArgs = z
  .object({
    role: z.enum(tokenRoles, { message: `--role must be one of ${tokenRoles.join(', ')}` }),
    warp: z.string().min(1).optional(),
    authority: authorityCodeSchema('--authority must be a register code such as CRF').optional(),
    name: z.string().trim().min(1).max(200).optional(),
    expires: z.string().min(1, '--expires needs a date').optional(),
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
    const expires = input.expires ? expiryOf(input.expires) : null;
    const deps = await ctx.deps();
    const created = await createToken(
      deps,
      { principal: cliPrincipal },
      {
        role: input.role,
        name: input.name ?? `${input.role} token`,
        warpId: input.warp,
        authorityCode: input.authority,
        expiresAt: expires,
      },
    );
    const scope = created.warp
      ? ` for WARP ${created.warp}`
      : created.authority
        ? ` for ${created.authority}`
        : '';
    ctx.io.err(
      `Created ${created.role} token ${created.id} "${created.name}"${scope}, ${expires ? `expiring ${expires.toISOString()}` : 'with no expiry'}.`,
    );
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
        const expiry = t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry';
        return `${t.id}  ${t.role.padEnd(7)}  ${scope.padEnd(16)}  ${t.name}  (${expiry}; ${state})`;
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
