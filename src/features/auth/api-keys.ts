// API keys as people manage them on the API keys page: each key belongs to a person (its owner), is made with
// a name, role, scope and an expiry of at most a year, and is shown once. Who may do what, enforced in the
// query: an admin any key; a WARP operator only WARP keys of their own WARP that they own; a council (signed in
// from its mailbox) only council keys of its own authority (its automation). Nobody makes a key with more
// power than they have.
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import { inList, inSubquery } from '../../db/limits.js';
import { apiTokens, auditLog } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { ownerFor } from './people.js';
import { createToken, revokeToken } from './tokens.js';

/** The expiries offered, in days; a year is the most a key made on the page may live. */
export const keyExpiryDays = [30, 90, 365] as const;
export const MAX_KEY_DAYS = 365;

/** The roles a key made on the page may have (inbound keys are made at the command line). */
export const keyRoles = ['admin', 'warp', 'council'] as const;
export type KeyRole = (typeof keyRoles)[number];

/** The keys `principal` may see and revoke, as a condition on `api_tokens`; undefined: all (an admin). */
export async function keyScope(deps: Pick<Deps, 'db'>, principal: Principal): Promise<SQL | undefined> {
  if (principal.role === 'admin') return undefined;
  if (principal.role === 'warp')
    return and(
      eq(apiTokens.role, 'warp'),
      eq(apiTokens.warpId, principal.warpId ?? ''),
      eq(apiTokens.owner, (await ownerFor(deps, principal.actor)) ?? principal.actor),
    );
  if (principal.role === 'council')
    return and(eq(apiTokens.role, 'council'), eq(apiTokens.authorityCode, principal.authorityCode ?? ''));
  return sql`0`;
}

/** The roles `principal` may give a key: never more than their own. */
export function rolesFor(principal: Principal): KeyRole[] {
  if (principal.role === 'admin') return [...keyRoles];
  if (principal.role === 'warp' || principal.role === 'council') return [principal.role];
  return [];
}

export interface NewKey {
  name: string;
  role: KeyRole;
  warpId?: string | null;
  authorityCode?: string | null;
  expiryDays: number;
}

/** Makes a key for the person behind `actor`; the secret is in the answer and nowhere else. */
export async function createKey(deps: Deps, actor: ActorContext, input: NewKey) {
  const p = actor.principal;
  // A key does not make keys (they would outlive its revocation and expiry): people do, signed in as themselves.
  if (p.actor.startsWith('token:') && p.role !== 'admin')
    throw new AppError(
      'forbidden',
      'A new API key cannot be made while signed in with another API key: sign in with the link we e-mail to your mailbox (or your passkey), then make it.',
    );
  if (!rolesFor(p).includes(input.role))
    throw new AppError('forbidden', 'You cannot make a key with more power than you have.');
  if (p.role === 'warp' && input.warpId !== p.warpId)
    throw new AppError('forbidden', 'You can make keys for your own WARP only.');
  if (p.role === 'council' && input.authorityCode?.toUpperCase() !== p.authorityCode)
    throw new AppError('forbidden', 'You can make keys for your own council only.');
  if (!Number.isInteger(input.expiryDays) || input.expiryDays < 1 || input.expiryDays > MAX_KEY_DAYS)
    throw new AppError('validation_failed', `A key expires within ${MAX_KEY_DAYS} days.`, {
      errors: [{ path: 'expiry', message: 'Choose when the key expires' }],
    });
  const expiresAt = new Date(deps.clock.now().getTime() + input.expiryDays * 86_400_000);
  return createToken(deps, actor, {
    name: input.name,
    role: input.role,
    warpId: input.role === 'warp' ? input.warpId : null,
    authorityCode: input.role === 'council' ? input.authorityCode : null,
    expiresAt,
  });
}

/** The keys `principal` may see, revoked ones too, newest first (at most `limit`). */
export async function listKeys(deps: Pick<Deps, 'db'>, principal: Principal, limit = 500) {
  return deps.db
    .select()
    .from(apiTokens)
    .where(await keyScope(deps, principal))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(limit);
}

/**
 * Revokes a key `principal` may manage (and every session opened with it); another's key is "not found", so
 * that nobody learns which keys exist outside their scope.
 */
export async function revokeKey(deps: Deps, actor: ActorContext, id: string) {
  const [row] = await deps.db
    .select({ id: apiTokens.id, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), await keyScope(deps, actor.principal)))
    .limit(1);
  if (!row) throw new AppError('not_found', 'There is no such API key.');
  if (row.revokedAt) throw new AppError('conflict', 'This key is already revoked.');
  return revokeToken(deps, actor, id);
}

/** The latest audit entries about the keys `principal` may see, newest first. */
export async function keyChanges(deps: Pick<Deps, 'db'>, principal: Principal, limit = 10) {
  const scope = await keyScope(deps, principal);
  const visible = deps.db.select({ id: apiTokens.id }).from(apiTokens).where(scope);
  return deps.db
    .select()
    .from(auditLog)
    .where(
      and(
        inList(auditLog.action, ['token.create', 'token.revoke']),
        eq(auditLog.subjectType, 'token'),
        scope ? inSubquery(auditLog.subjectId, visible) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
