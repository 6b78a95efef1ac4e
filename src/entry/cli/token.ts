// `token create|list|revoke|bootstrap`: API tokens from the console, and the one-time bootstrap token for a
// deployment without one (the edge).
import { z } from 'zod';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { cliPrincipal } from '../../domain/principal.js';
import {
  createToken,
  listTokens,
  newTokenSecret,
  revokeToken,
  tokenRoles,
} from '../../features/auth/tokens.js';
import { hashSecret } from '../../lib/secrets.js';
import { cryptoRandom } from '../../ports/random.js';
import { defineCommand } from './command.js';
import { printList, UsageError } from './io.js';

/** When a token given `--expires` stops working: the end of a date (UTC), or the date-time itself. */
export function expiryOf(value: string): Date {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = isDate ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError('--expires must be a date like 2027-03-31 or a date-time like 2027-03-31T17:00:00Z');
  if (isDate) date.setUTCDate(date.getUTCDate() + 1);
  if (date.getTime() <= Date.now())
    throw new UsageError(`--expires must be in the future (${value} has passed)`);
  return date;
}

const token = defineCommand('token', [
  {
    verb: 'create',
    summary: 'a new API token, printed once',
    notes: [
      '--expires takes a date (2027-03-31: it works to the end of that day, UTC) or an ISO date-time, in the future',
    ],
    options: {
      role: {
        type: 'string',
        value: tokenRoles.join('|'),
        required: true,
        schema: z.enum(tokenRoles, { message: `--role must be one of ${tokenRoles.join(', ')}` }),
      },
      warp: { type: 'string', value: 'ID', schema: z.string().min(1, '--warp needs a WARP id') },
      authority: {
        type: 'string',
        value: 'CODE',
        schema: authorityCodeSchema('--authority must be a register code such as CRF'),
      },
      name: { type: 'string', value: 'TEXT', schema: z.string().trim().min(1, '--name is empty').max(200) },
      expires: { type: 'string', value: 'DATE' },
    },
    async run(ctx, { values }) {
      const role = values.role as (typeof tokenRoles)[number];
      const expires = values.expires ? expiryOf(values.expires as string) : null;
      const deps = await ctx.deps();
      const created = await createToken(
        deps,
        { principal: cliPrincipal },
        {
          role,
          name: (values.name as string | undefined) ?? `${role} token`,
          warpId: values.warp as string | undefined,
          authorityCode: values.authority as string | undefined,
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
    },
  },
  {
    verb: 'list',
    summary: 'tokens with their scope, expiry and last use (--all: revoked ones too)',
    options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const deps = await ctx.deps();
      const tokens = await listTokens(deps, { includeRevoked: values.all === true });
      printList(ctx.io, tokens, {
        json: values.json === true,
        empty: 'No tokens.',
        line: (t) => {
          const scope = t.warp ? `warp=${t.warp}` : t.authority ? `authority=${t.authority}` : '';
          const state = t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`;
          const expiry = t.expiresAt ? `expires ${t.expiresAt}` : 'no expiry';
          return `${t.id}  ${t.role.padEnd(7)}  ${scope.padEnd(16)}  ${t.name}  (${expiry}; ${state})`;
        },
      });
      return 0;
    },
  },
  {
    verb: 'revoke',
    summary: 'revoke a token at once',
    args: [{ name: '<id>', schema: z.string().min(1) }],
    async run(ctx, { args }) {
      const deps = await ctx.deps();
      const revoked = await revokeToken(deps, { principal: cliPrincipal }, args[0] as string);
      ctx.io.out(`Revoked token ${revoked.id} "${revoked.name}" at ${revoked.revokedAt}.`);
      return 0;
    },
  },
  {
    verb: 'bootstrap',
    summary: 'a one-time token to create the first admin where there is no console (the edge); no database',
    notes: [
      'prints the token on the last line of stdout and, on stderr, the SHA-256 to set as BOOTSTRAP_ADMIN_TOKEN_SHA256',
      '--json prints {"token": …, "sha256": …} instead; on Node, `token create --role admin` needs no bootstrap',
    ],
    options: { json: { type: 'boolean' } },
    async run(ctx, { values }) {
      const secret = newTokenSecret(cryptoRandom());
      const sha256 = await hashSecret(secret);
      const steps = [
        'A one-time bootstrap token for the first admin. Nothing is stored: only you hold the token.',
        '',
        '1. Give the service its SHA-256 as BOOTSTRAP_ADMIN_TOKEN_SHA256 (the hash, never the token):',
        `     ${sha256}`,
        '   Cloudflare Workers:  npx wrangler secret put BOOTSTRAP_ADMIN_TOKEN_SHA256   (paste the hash)',
        `   Node:                BOOTSTRAP_ADMIN_TOKEN_SHA256=${sha256} in the service's environment`,
        '2. While no admin exists, the token acts as an admin (actor "bootstrap", every request audited).',
        '   Create a real admin with it, an API token:',
        `     curl -s -X POST -H "Authorization: Bearer <token>" -H 'content-type: application/json' \\`,
        `       -d '{"role":"admin","name":"First admin"}' https://<your service>/api/v1/tokens`,
        '   or a staff invitation (POST /api/v1/staff with "role": "admin").',
        '3. Remove the secret: npx wrangler secret delete BOOTSTRAP_ADMIN_TOKEN_SHA256 (Node: unset it).',
        '   Once an admin exists the bootstrap token is refused like any unknown token.',
      ];
      for (const line of steps) ctx.io.err(line);
      ctx.io.out(values.json === true ? JSON.stringify({ token: secret, sha256 }, null, 2) : secret);
      return 0;
    },
  },
]);

export const tokenUsage = token.usage;
export const tokenCommand = token.run;
