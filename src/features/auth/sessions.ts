// Browser sessions: a random secret in an HttpOnly cookie, stored only as a hash, with its own CSRF token.
import { and, eq, isNull } from 'drizzle-orm';
import { sessions } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal, Role } from '../../domain/principal.js';
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';

export const SESSION_COOKIE = 'cc_session';
const LAST_SEEN_GRANULARITY_MS = 60_000;

export interface NewSession {
  /** The identity signing in (`token:<id>`, `mailbox:<id>`): what the audit log records as the actor. */
  actor: string;
  role: Role;
  label: string;
  authorityCode?: string | null;
  warpId?: string | null;
  mailboxId?: string | null;
}

export async function createSession(deps: Deps, input: NewSession) {
  const secret = deps.random.secret(32);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.config.SESSION_TTL_HOURS * 3600_000);
  const id = await hashSecret(secret);
  await deps.db.insert(sessions).values({
    idHash: id,
    actor: input.actor,
    role: input.role,
    label: input.label,
    authorityCode: input.authorityCode ?? null,
    warpId: input.warpId ?? null,
    mailboxId: input.mailboxId ?? null,
    csrfToken: deps.random.secret(24),
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
  });
  return { secret, expiresAt, actor: input.actor };
}

/** The principal a session cookie stands for, or null when unknown, revoked or expired. */
export async function authenticateSession(deps: Deps, secret: string): Promise<Principal | null> {
  if (secret.length < 20 || secret.length > 100) return null;
  const id = await hashSecret(secret);
  const row = await deps.db.query.sessions.findFirst({ where: eq(sessions.idHash, id) });
  if (!row || !constantTimeEqual(row.idHash, id)) return null;
  const now = deps.clock.now();
  if (row.revokedAt || row.expiresAt <= now) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_GRANULARITY_MS) {
    await deps.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, id));
  }
  return {
    actor: row.actor,
    label: row.label,
    role: row.role,
    warpId: row.warpId,
    authorityCode: row.authorityCode,
    via: 'session',
    csrfToken: row.csrfToken,
  };
}

export async function endSession(deps: Deps, secret: string): Promise<void> {
  const id = await hashSecret(secret);
  await deps.db
    .update(sessions)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(sessions.idHash, id), isNull(sessions.revokedAt)));
}
