// The API keys pages (signed-in people; what each sees and may do is the features' scope, api-keys.ts): the
// list, the form, the page that shows a new key once (a POST answered with the page itself, never a redirect,
// and never stored), and the revoke button.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { apiTokens } from '../../db/schema.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import {
  createKey,
  type KeyRole,
  keyChanges,
  listKeys,
  revokeKey,
  rolesFor,
} from '../../features/auth/api-keys.js';
import { describeActor } from '../../features/auth/people.js';
import { authorityNames } from '../../features/authority-register/get-authority.js';
import { listWarps } from '../../features/authority-register/warps.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import {
  KeyCreatedPage,
  type KeyFormValues,
  type KeyLine,
  KeysPage,
  keyCreatedTitle,
  keysTitle,
  NewKeyPage,
  newKeyTitle,
} from './api-keys.js';
import type { ChangeLine } from './recent-changes.js';
import { formFields, orPageError, renderPage, statusOf, summaryOf } from './render.js';

type TokenRow = typeof apiTokens.$inferSelect;

async function warpNames(c: Context<AppEnv>) {
  const warps = await listWarps(c.var.deps, { limit: 1000, offset: 0 });
  return warps.items.map((w) => ({ id: w.id, name: w.name }));
}

/** A key's scope in words. */
function scopeWords(
  row: Pick<TokenRow, 'role' | 'warpId' | 'authorityCode'>,
  warps: Map<string, string>,
  councils: Map<string, string>,
) {
  if (row.role === 'warp') return warps.get(row.warpId ?? '') ?? row.warpId ?? '';
  if (row.role === 'council') {
    const code = row.authorityCode ?? '';
    return councils.has(code) ? `${councils.get(code)} (${code})` : code;
  }
  if (row.role === 'inbound') return 'Delivery receipts and bounces';
  return 'Everything';
}

async function keyLines(c: Context<AppEnv>, rows: TokenRow[]): Promise<KeyLine[]> {
  const deps = c.var.deps;
  const warps = new Map((await warpNames(c)).map((w) => [w.id, w.name]));
  const councils = await authorityNames(deps, [
    ...new Set(rows.flatMap((r) => (r.authorityCode ? [r.authorityCode] : []))),
  ]);
  const now = deps.clock.now();
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      name: r.name,
      owner: await describeActor(deps, r.owner ?? r.createdBy),
      role: r.role,
      scope: scopeWords(r, warps, councils),
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
      lastUsedAt: r.lastUsedAt,
      state: r.revokedAt ? 'revoked' : r.expiresAt && r.expiresAt <= now ? 'expired' : 'active',
    })),
  );
}

const keyActions: Record<string, string> = { 'token.create': 'Created', 'token.revoke': 'Revoked' };

async function changeLines(c: Context<AppEnv>, names: Map<string, string>): Promise<ChangeLine[]> {
  const entries = await keyChanges(c.var.deps, requirePrincipal(c));
  return Promise.all(
    entries.map(async (e) => ({
      at: e.at,
      who: await describeActor(c.var.deps, e.actor),
      what: keyActions[e.action] ?? e.action,
      subject: names.get(e.subjectId) ?? e.subjectId,
    })),
  );
}

const Done = z.object({ done: z.string().max(500) });

async function showKeys(c: Context<AppEnv>, error?: AppError) {
  const rows = await listKeys(c.var.deps, requirePrincipal(c));
  return renderPage(
    c,
    { title: keysTitle, hasErrors: Boolean(error), status: error ? statusOf(error) : 200 },
    <KeysPage
      keys={await keyLines(c, rows)}
      csrf={csrfToken(c)}
      changes={await changeLines(c, new Map(rows.map((r) => [r.id, r.name])))}
      done={error ? undefined : resultOf(c, Done)?.done}
      error={error?.message}
    />,
  );
}

async function showForm(c: Context<AppEnv>, values: KeyFormValues, errors: Record<string, string> = {}) {
  const principal = requirePrincipal(c);
  const warps = await warpNames(c);
  let fixedScope: string | undefined;
  if (principal.role === 'warp')
    fixedScope = warps.find((w) => w.id === principal.warpId)?.name ?? principal.warpId ?? '';
  if (principal.role === 'council') {
    const code = principal.authorityCode ?? '';
    fixedScope = `${(await authorityNames(c.var.deps, [code])).get(code) ?? code} (${code})`;
  }
  const failed = Object.keys(errors).length > 0;
  return renderPage(
    c,
    { title: newKeyTitle, hasErrors: failed, status: failed ? 422 : 200 },
    <NewKeyPage
      csrf={csrfToken(c)}
      values={values}
      errors={errors}
      summary={summaryOf(errors, ['name', 'role', 'warp', 'authority', 'expiry'])}
      roles={rolesFor(principal)}
      warps={warps}
      fixedScope={fixedScope}
    />,
  );
}

export function apiKeysPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/api-keys', (c) => showKeys(c));

  router.get('/api-keys/new', (c) =>
    showForm(c, { name: '', role: '', warp: '', authority: '', expiry: '90' }),
  );

  router.post('/api-keys/new', async (c) => {
    const principal = requirePrincipal(c);
    const field = await formFields(c);
    const values: KeyFormValues = {
      name: field('name').trim(),
      role: field('role'),
      warp: field('warp'),
      authority: field('authority').trim().toUpperCase(),
      expiry: field('expiry'),
    };
    const roles: string[] = rolesFor(principal);
    // Someone who is not an admin has one role and one scope: their own.
    if (principal.role === 'warp') values.warp = principal.warpId ?? '';
    if (principal.role === 'council') values.authority = principal.authorityCode ?? '';
    const errors: Record<string, string> = {};
    if (!values.name) errors.name = 'Enter a name for the key';
    else if (values.name.length > 200) errors.name = 'The name must be 200 characters or fewer';
    if (!roles.includes(values.role)) errors.role = 'Choose the key’s role';
    else if (values.role === 'warp' && !values.warp) errors.warp = 'Choose the WARP the key is for';
    else if (values.role === 'council' && !/^[A-Z0-9]{2,10}$/.test(values.authority))
      errors.authority = 'Enter the council’s register code, such as CRF';
    if (!['30', '90', '365'].includes(values.expiry)) errors.expiry = 'Choose when the key expires';
    if (Object.keys(errors).length) return showForm(c, values, errors);
    const created = await orPageError(
      ['validation_failed'],
      createKey(c.var.deps, actorOf(c), {
        name: values.name,
        role: values.role as KeyRole,
        warpId: values.warp || null,
        authorityCode: values.authority || null,
        expiryDays: Number(values.expiry),
      }),
    );
    if (created instanceof AppError) {
      const field = /WARP/.test(created.message)
        ? 'warp'
        : /authority/.test(created.message)
          ? 'authority'
          : 'name';
      return showForm(c, values, { [field]: created.message });
    }
    // The secret goes in this answer only: no redirect, nothing kept, nothing cached.
    return renderPage(
      c,
      { title: keyCreatedTitle },
      <KeyCreatedPage
        name={created.name}
        secret={created.token}
        expiresAt={created.expiresAt ? new Date(created.expiresAt) : null}
      />,
    );
  });

  router.post('/api-keys/:id/revoke', async (c) => {
    const revoked = await orPageError(
      ['not_found', 'conflict'],
      revokeKey(c.var.deps, actorOf(c), c.req.param('id')),
    );
    if (revoked instanceof AppError) return showKeys(c, revoked);
    return redirectWithResult(c, '/api-keys', {
      done: `The key “${revoked.name}” was revoked; sessions opened with it have ended.`,
    });
  });

  return router;
}
