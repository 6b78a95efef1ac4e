// Browser sessions: a random secret in an HttpOnly cookie, stored only as a hash, with its own CSRF token.
// A session lives only as long as what it was opened with: on every request it is checked against its
// source (the API token, the staff member, or the council's mailbox), and ends as soon as that source ends
// or changes (revoked or expired token; disabled staff member or a changed role; a mailbox that is no longer
// confirmed, or no longer the council's).
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import { apiTokens, mailboxes, sessions, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal, Role } from '../../domain/principal.js';
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';
import { type Bookkeeping, detachedBookkeeping } from './bookkeeping.js';
import { ownerEnded } from './key-owner.js';

export const SESSION_COOKIE = 'cc_session';
/** How stale a session's last-activity stamp may get before a request writes it again (bookkeeping). */
const LAST_SEEN_GRANULARITY_MS = 5 * 60_000;

export interface NewSession {
  /** The identity signing in (`token:<id>`, `staff:<address>`, `mailbox:<id>`): the audit log's actor. */
  actor: string;
  role: Role;
  label: string;
  authorityCode?: string | null;
  warpId?: string | null;
  mailboxId?: string | null;
  /** How the person proved who they are: a passkey, an e-mailed link, or an API token. */
  authMethod: 'passkey' | 'link' | 'token';
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
    authMethod: input.authMethod,
    csrfToken: deps.random.secret(24),
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
  });
  return { secret, expiresAt, actor: input.actor };
}

/** A session row with what its source looks like now (left joins: absent sources are nulls). */
async function sessionWithSource(deps: Deps, idHash: string) {
  const [row] = await deps.db
    .select({
      session: sessions,
      token: {
        id: apiTokens.id,
        revokedAt: apiTokens.revokedAt,
        expiresAt: apiTokens.expiresAt,
        owner: apiTokens.owner,
        role: apiTokens.role,
        warpId: apiTokens.warpId,
        authorityCode: apiTokens.authorityCode,
      },
      staff: {
        address: staffMembers.address,
        role: staffMembers.role,
        warpId: staffMembers.warpId,
        disabledAt: staffMembers.disabledAt,
      },
      mailbox: {
        id: mailboxes.id,
        state: mailboxes.state,
        authorityCode: mailboxes.authorityCode,
        kind: mailboxes.kind,
      },
    })
    .from(sessions)
    .leftJoin(
      apiTokens,
      and(sql`${sessions.actor} like 'token:%'`, eq(apiTokens.id, sql`substr(${sessions.actor}, 7)`)),
    )
    .leftJoin(
      staffMembers,
      and(sql`${sessions.actor} like 'staff:%'`, eq(staffMembers.address, sql`substr(${sessions.actor}, 7)`)),
    )
    .leftJoin(mailboxes, eq(mailboxes.id, sessions.mailboxId))
    .where(eq(sessions.idHash, idHash))
    .limit(1);
  return row;
}

type SessionWithSource = NonNullable<Awaited<ReturnType<typeof sessionWithSource>>>;

/** Why the session's source no longer vouches for it, or null while it does. */
export function sourceEnded(row: SessionWithSource, now: Date): string | null {
  const { session, token, staff, mailbox } = row;
  const kind = session.actor.slice(0, session.actor.indexOf(':'));
  if (kind === 'token') {
    if (!token?.id) return 'its API token no longer exists';
    if (token.revokedAt) return 'its API token was revoked';
    if (token.expiresAt && token.expiresAt <= now) return 'its API token expired';
    return null;
  }
  if (kind === 'staff') {
    if (!staff?.address) return 'the staff member no longer exists';
    if (staff.disabledAt) return 'the staff member was disabled';
    if (staff.role !== session.role || (staff.warpId ?? null) !== (session.warpId ?? null))
      return 'the staff member’s role changed';
    return null;
  }
  if (kind === 'mailbox') {
    if (!mailbox?.id) return 'its mailbox no longer exists';
    if (mailbox.state !== 'confirmed') return `its mailbox is ${mailbox.state}`;
    if (mailbox.authorityCode !== session.authorityCode) return 'its mailbox belongs to another council';
    return null;
  }
  return 'it was opened in a way that is no longer accepted';
}

/**
 * The principal a session cookie stands for, or null when unknown, revoked or expired, or when its source
 * has ended (the session is then ended too, so it stays ended whatever happens to the source later).
 */
export async function authenticateSession(
  deps: Deps,
  secret: string,
  books: Bookkeeping = detachedBookkeeping(deps),
): Promise<Principal | null> {
  if (secret.length < 20 || secret.length > 100) return null;
  const id = await hashSecret(secret);
  const row = await sessionWithSource(deps, id);
  if (!row || !constantTimeEqual(row.session.idHash, id)) return null;
  const { session } = row;
  const now = deps.clock.now();
  if (session.revokedAt || session.expiresAt <= now) return null;
  const ended =
    sourceEnded(row, now) ?? (row.token?.id && row.token.owner ? await ownerEnded(deps, row.token) : null);
  if (ended) {
    await deps.db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.idHash, id), isNull(sessions.revokedAt)));
    deps.log.info('session ended: its source ended', { actor: session.actor, reason: ended });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_GRANULARITY_MS) {
    books('session activity', (db) =>
      db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, id)),
    );
  }
  return {
    actor: session.actor,
    label: session.label,
    role: session.role,
    warpId: session.warpId,
    authorityCode: session.authorityCode,
    via: 'session',
    authMethod: session.authMethod,
    csrfToken: session.csrfToken,
    mailbox: row.mailbox?.id && row.mailbox.kind ? { id: row.mailbox.id, kind: row.mailbox.kind } : null,
  };
}

export async function endSession(deps: Deps, secret: string): Promise<void> {
  const id = await hashSecret(secret);
  await deps.db
    .update(sessions)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(sessions.idHash, id), isNull(sessions.revokedAt)));
}

/**
 * The statement that ends every live session opened from `actor` (a token, staff member or mailbox), for
 * the batch that ends the source itself; `when` guards it (e.g. "the mailbox is now retired").
 */
export function endSessionsOf(deps: Pick<Deps, 'db'>, actor: string, at: Date, when?: SQL) {
  return deps.db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.actor, actor), isNull(sessions.revokedAt), when));
}
