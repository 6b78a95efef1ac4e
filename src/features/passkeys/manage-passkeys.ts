// A staff member's passkeys: listed, counted (the team page shows each person's count), renamed and removed
// by their owner, and cleared at the command line when an authenticator is lost. An admin keeps at least one
// while ADMIN_PASSKEY_REQUIRED is on: the last one is removed only by clearing them all (CLI, audited).
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { inList, withinParameterLimit } from '../../db/limits.js';
import { passkeys, sessions, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, type Principal, staffActor } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { endSessionsOf } from '../auth/sessions.js';
import { passkeyTransitions } from './transitions.js';

export type PasskeyRow = typeof passkeys.$inferSelect;

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced between the person's devices (a password manager, a platform account) or on one device only. */
  synced: boolean;
}

export function toPasskeyView(row: PasskeyRow): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    synced: row.deviceType === 'multiDevice',
  };
}

export const MAX_PASSKEY_NAME = 60;

/** The staff address a principal signs in as, or null (a token, a council, the CLI). */
export function staffAddressOf(principal: Pick<Principal, 'actor'>): string | null {
  return principal.actor.startsWith('staff:') ? principal.actor.slice('staff:'.length) : null;
}

/**
 * The staff member a principal is, to register a passkey: a 409 for an admin or WARP caller who is not a
 * person (an API token, or a session opened with one), a 403 for anyone else.
 */
export function requireStaffAddress(principal: Principal): string {
  if (principal.role !== 'admin' && principal.role !== 'warp')
    throw new AppError('forbidden', 'Passkeys belong to NCSC and WARP staff.');
  const address = staffAddressOf(principal);
  if (!address)
    throw new AppError(
      'conflict',
      'Passkeys belong to staff members signed in as themselves (by link or passkey); an API token has none.',
    );
  return address;
}

/** A person's passkeys in use, oldest first. */
export async function activePasskeys(deps: Pick<Deps, 'db'>, address: string): Promise<PasskeyRow[]> {
  return deps.db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.staffAddress, address), eq(passkeys.state, 'active')))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

/** The principal's own passkeys in use (none for an API token: it is not a person). */
export async function listPasskeys(deps: Pick<Deps, 'db'>, principal: Principal): Promise<PasskeyView[]> {
  const address = staffAddressOf(principal);
  return address ? (await activePasskeys(deps, address)).map(toPasskeyView) : [];
}

/** How many passkeys in use each address has (0 for none): for the team page, in one query per chunk. */
export async function passkeyCounts(db: Db, addresses: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(addresses.map((a) => [a, 0]));
  for (const chunk of withinParameterLimit([...new Set(addresses)], 1, 1)) {
    const rows = await db
      .select({ address: passkeys.staffAddress, n: count() })
      .from(passkeys)
      .where(and(inList(passkeys.staffAddress, chunk), eq(passkeys.state, 'active')))
      .groupBy(passkeys.staffAddress);
    for (const row of rows) counts.set(row.address, row.n);
  }
  return counts;
}

/** One of the principal's own passkeys in use: 404 for anyone else's (not even whether it exists). */
async function ownPasskey(deps: Pick<Deps, 'db'>, principal: Principal, id: string): Promise<PasskeyRow> {
  const address = staffAddressOf(principal) ?? '';
  const row = await deps.db.query.passkeys.findFirst({
    where: and(eq(passkeys.id, id), eq(passkeys.staffAddress, address), eq(passkeys.state, 'active')),
  });
  if (!row) throw new AppError('not_found', 'You have no passkey with that id.');
  return row;
}

export async function getPasskey(deps: Pick<Deps, 'db'>, principal: Principal, id: string) {
  return toPasskeyView(await ownPasskey(deps, principal, id));
}

/** A name as given, trimmed; a 422 on `name` when empty or too long. */
export function checkPasskeyName(input: string): string {
  const name = input.trim().replace(/\s+/g, ' ');
  if (!name || name.length > MAX_PASSKEY_NAME)
    throw new AppError(
      'validation_failed',
      `Give the passkey a name of 1 to ${MAX_PASSKEY_NAME} characters.`,
      {
        errors: [{ path: 'name', message: `Enter a name of up to ${MAX_PASSKEY_NAME} characters` }],
      },
    );
  return name;
}

export async function renamePasskey(deps: Deps, actor: ActorContext, id: string, input: string) {
  const name = checkPasskeyName(input);
  const row = await ownPasskey(deps, actor.principal, id);
  const renamed = await passkeyTransitions.apply(deps, actor, 'rename', id, {
    set: { name },
    when: eq(passkeys.staffAddress, row.staffAddress),
    audit: { before: { name: row.name }, after: { name } },
  });
  return toPasskeyView(renamed);
}

/** Whether removing one of this person's passkeys would leave an admin without any while they are required. */
async function mustKeepOne(deps: Deps, address: string): Promise<boolean> {
  if (!deps.config.ADMIN_PASSKEY_REQUIRED) return false;
  const staff = await deps.db.query.staffMembers.findFirst({ where: eq(staffMembers.address, address) });
  return staff?.role === 'admin';
}

export async function removePasskey(deps: Deps, actor: ActorContext, id: string) {
  const row = await ownPasskey(deps, actor.principal, id);
  // As for adding one: someone who got into the mailbox must not clear the way for a passkey of their own.
  if (actor.principal.authMethod !== 'passkey')
    throw new AppError('forbidden', 'Sign in with one of your passkeys first, then remove this one.');
  const keepOne = await mustKeepOne(deps, row.staffAddress);
  // Guarded in the same UPDATE: another of the person's passkeys is still in use (two removals at once
  // cannot leave none).
  const another = sql`exists (select 1 from ${passkeys} p2 where p2.staff_address = ${row.staffAddress} and p2.state = 'active' and p2.id <> ${id})`;
  const removed = await passkeyTransitions.attempt(deps, actor, 'remove', id, {
    set: { removedAt: deps.clock.now() },
    when: keepOne
      ? and(eq(passkeys.staffAddress, row.staffAddress), another)
      : eq(passkeys.staffAddress, row.staffAddress),
    audit: { before: { name: row.name } },
    // A passkey removed (perhaps a rogue one) takes the person's other sessions with it: one opened with it
    // must not live on. The session doing the removal (its CSRF token is its own) stays.
    with: (stillApplies) => [
      endSessionsOf(
        deps,
        staffActor(row.staffAddress),
        deps.clock.now(),
        and(stillApplies, ne(sessions.csrfToken, actor.principal.csrfToken ?? '')),
      ),
    ],
  });
  if (!removed) {
    if (keepOne && (await activePasskeys(deps, row.staffAddress)).length <= 1)
      throw new AppError(
        'conflict',
        'This is your only passkey, and administrators must have one. Add another passkey first, then remove this one.',
      );
    throw await passkeyTransitions.conflictNow(deps.db, 'remove', id);
  }
  return toPasskeyView(removed.row);
}

/**
 * Removes every passkey of a staff member (a lost authenticator; the CLI: holding the server is already
 * trusted) and ends their sessions, in one write with one audit entry. Their next sign-in is by link, and an
 * admin is then made to register a new passkey at once.
 */
export async function clearPasskeys(deps: Deps, actor: ActorContext, address: string) {
  const now = deps.clock.now();
  const rows = await activePasskeys(deps, address);
  const staff = await deps.db.query.staffMembers.findFirst({ where: eq(staffMembers.address, address) });
  if (!staff) throw new AppError('not_found', `There is no staff member ${address}.`);
  await deps.db.batch([
    deps.db
      .update(passkeys)
      .set({ state: 'removed', removedAt: now })
      .where(and(eq(passkeys.staffAddress, address), eq(passkeys.state, 'active'))),
    endSessionsOf(deps, staffActor(address), now),
    auditEntry(deps.db, actor, now, {
      action: 'passkey.clear',
      subjectType: 'staff',
      subjectId: address,
      before: { passkeys: rows.map((r) => ({ id: r.id, name: r.name })) },
      after: { passkeys: [] },
    }),
  ]);
  return { removed: rows.length };
}
