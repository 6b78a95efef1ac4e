// API tokens: created once and shown once, stored only as a SHA-256 hash, checked in constant time.
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { apiTokens, authorities, mailboxes, staffMembers, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';
import type { Logger } from '../../ports/logger.js';
import type { Random } from '../../ports/random.js';
import { auditEntry } from '../audit/record.js';
import { auditEntryIf } from '../audit/transitions.js';
import { type Bookkeeping, detachedBookkeeping } from './bookkeeping.js';
import { ownerColumns, ownerEndedFrom, ownerJoins } from './key-owner.js';
import { ownerFor } from './people.js';
import { endSessionsOf } from './sessions.js';

export const tokenRoles = ['admin', 'warp', 'council', 'inbound'] as const;
export type TokenRole = (typeof tokenRoles)[number];
const TOKEN_PREFIX = 'cct_';

/** A new token secret: the prefix and 32 random bytes (what `createToken` stores the hash of). */
export function newTokenSecret(random: Pick<Random, 'secret'>): string {
  return `${TOKEN_PREFIX}${random.secret(32)}`;
}

export interface NewToken {
  role: TokenRole;
  name: string;
  warpId?: string | null;
  authorityCode?: string | null;
  expiresAt?: Date | null;
}

export type TokenView = ReturnType<typeof toView>;

function toView(row: typeof apiTokens.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    warp: row.warpId,
    authority: row.authorityCode,
    createdBy: row.createdBy,
    owner: row.owner,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a token; the secret is in the answer and nowhere else. */
export async function createToken(deps: Deps, actor: ActorContext, input: NewToken) {
  if (input.role === 'warp') {
    if (!input.warpId)
      throw new AppError('validation_failed', 'A warp token needs the WARP it is scoped to.');
    const warp = await deps.db.query.warps.findFirst({ where: eq(warps.id, input.warpId) });
    if (!warp) throw new AppError('validation_failed', `There is no WARP with id "${input.warpId}".`);
  } else if (input.warpId) {
    throw new AppError('validation_failed', 'Only a warp token is scoped to a WARP.');
  }
  if (input.role === 'council') {
    if (!input.authorityCode)
      throw new AppError('validation_failed', 'A council token needs the authority it is scoped to.');
    const authority = await deps.db.query.authorities.findFirst({
      where: eq(authorities.code, input.authorityCode.toUpperCase()),
    });
    if (!authority)
      throw new AppError('validation_failed', `There is no authority with code "${input.authorityCode}".`);
  } else if (input.authorityCode) {
    throw new AppError('validation_failed', 'Only a council token is scoped to an authority.');
  }
  const secret = newTokenSecret(deps.random);
  const now = deps.clock.now();
  const row = {
    id: deps.random.id(),
    name: input.name,
    role: input.role,
    warpId: input.warpId ?? null,
    authorityCode: input.authorityCode?.toUpperCase() ?? null,
    tokenHash: await hashSecret(secret),
    createdBy: actor.principal.actor,
    owner: await ownerFor(deps, actor.principal.actor),
    createdAt: now,
    expiresAt: input.expiresAt ?? null,
    lastUsedAt: null,
    revokedAt: null,
  };
  const view = toView(row);
  await deps.db.batch([
    deps.db.insert(apiTokens).values(row),
    auditEntry(deps.db, actor, now, {
      action: 'token.create',
      subjectType: 'token',
      subjectId: row.id,
      after: view,
    }),
  ]);
  return { token: secret, ...view };
}

export async function listTokens(deps: Deps, options: { includeRevoked?: boolean } = {}) {
  const rows = await deps.db
    .select()
    .from(apiTokens)
    .where(options.includeRevoked ? undefined : isNull(apiTokens.revokedAt))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toView);
}

export async function revokeToken(deps: Deps, actor: ActorContext, id: string) {
  const row = await deps.db.query.apiTokens.findFirst({ where: eq(apiTokens.id, id) });
  if (!row) throw new AppError('not_found', `There is no token with id "${id}".`);
  if (row.revokedAt) return toView(row);
  const now = deps.clock.now();
  const live = and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt));
  // One batch: the entry (only if this call revokes it), every session opened with it, then the token.
  const [, , revoked] = await deps.db.batch([
    auditEntryIf(deps.db, actor, now, sql`exists (select 1 from ${apiTokens} where ${live})`, {
      action: 'token.revoke',
      subjectType: 'token',
      subjectId: id,
      before: toView(row),
      after: toView({ ...row, revokedAt: now }),
    }),
    endSessionsOf(deps, `token:${id}`, now),
    deps.db.update(apiTokens).set({ revokedAt: now }).where(live).returning(),
  ]);
  const [updated] = revoked;
  if (updated) return toView(updated);
  const current = await deps.db.query.apiTokens.findFirst({ where: eq(apiTokens.id, id) });
  return toView(current ?? row);
}

/** How stale a token's last-use stamp may get before a request writes it again (bookkeeping). */
const LAST_USED_GRANULARITY_MS = 5 * 60_000;

/**
 * The principal a bearer token stands for, or null when it is unknown, revoked or expired. Its last-use
 * stamp is handed to `books`: it never holds up or fails the request.
 */
export async function authenticateToken(
  deps: Deps,
  secret: string,
  books: Bookkeeping = detachedBookkeeping(deps),
): Promise<Principal | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const hash = await hashSecret(secret);
  // The key and its owner as they are now, in one query (this runs on every request with a key).
  const [found] = await deps.db
    .select({ token: apiTokens, ...ownerColumns })
    .from(apiTokens)
    .leftJoin(staffMembers, ownerJoins.staff)
    .leftJoin(mailboxes, ownerJoins.mailbox)
    .where(eq(apiTokens.tokenHash, hash))
    .limit(1);
  const row = found?.token;
  if (!row || !constantTimeEqual(row.tokenHash, hash)) return null;
  const now = deps.clock.now();
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (ownerEndedFrom(row, found)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    books('token use', (db) => db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)));
  }
  return {
    actor: `token:${row.id}`,
    label: row.name,
    role: row.role,
    warpId: row.warpId,
    authorityCode: row.authorityCode,
    via: 'token',
  };
}

// ---------- the bootstrap admin ----------
// The first admin on a deployment without a console (the edge): the operator sets
// BOOTSTRAP_ADMIN_TOKEN_SHA256 to the hash of a secret of their own (`token bootstrap` makes one), and that
// secret acts as an admin only while no admin exists, long enough to create a real one.

export const BOOTSTRAP_ACTOR = 'bootstrap';

export const bootstrapPrincipal: Principal = {
  actor: BOOTSTRAP_ACTOR,
  label: 'bootstrap admin (BOOTSTRAP_ADMIN_TOKEN_SHA256)',
  role: 'admin',
  warpId: null,
  authorityCode: null,
  via: 'token',
};

/**
 * Whether an admin exists: an admin API token neither revoked nor expired, or an admin staff member who is
 * not disabled.
 */
export async function adminExists(deps: Pick<Deps, 'db' | 'clock'>): Promise<boolean> {
  const now = deps.clock.now();
  const [token] = await deps.db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.role, 'admin'),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    )
    .limit(1);
  if (token) return true;
  const [staff] = await deps.db
    .select({ address: staffMembers.address })
    .from(staffMembers)
    .where(and(eq(staffMembers.role, 'admin'), isNull(staffMembers.disabledAt)))
    .limit(1);
  return Boolean(staff);
}

/**
 * The bootstrap admin, for a bearer secret that matched no stored token: when BOOTSTRAP_ADMIN_TOKEN_SHA256
 * is set, the secret's SHA-256 equals it and no admin exists yet. Otherwise null, as for an unknown token.
 * The database is asked only when the hash matches, so other requests pay nothing for this.
 */
export async function authenticateBootstrapToken(
  deps: Deps,
  secret: string,
  log: Logger = deps.log,
): Promise<Principal | null> {
  const expected = deps.config.BOOTSTRAP_ADMIN_TOKEN_SHA256;
  if (!expected || secret.length > 200) return null;
  if (!constantTimeEqual(await hashSecret(secret), expected)) return null;
  if (await adminExists(deps)) {
    log.warn(
      'a bootstrap token was presented but an admin exists: remove the BOOTSTRAP_ADMIN_TOKEN_SHA256 secret',
    );
    return null;
  }
  return bootstrapPrincipal;
}

/** The audit entry of one request made as the bootstrap admin (each one is recorded). */
export async function recordBootstrapUse(
  deps: Deps,
  actor: ActorContext,
  request: { method: string; path: string },
): Promise<void> {
  await auditEntry(deps.db, actor, deps.clock.now(), {
    action: 'auth.bootstrap',
    subjectType: 'token',
    subjectId: BOOTSTRAP_ACTOR,
    after: { method: request.method, path: request.path },
  });
}
