// The changes an admin makes to a staff member on the team page or the API: change their role, disable them,
// enable them again. Each is ONE atomic batch, as every transition (audit/transitions.ts): the audit entry and
// the dependent writes (their sessions ended, the API keys they own revoked), each only while the member is
// still as the change requires, then the guarded UPDATE … RETURNING. Nothing changed (another admin got there
// first) is a 409 and writes nothing.
//
// Disabling someone revokes every API key they own, and ends every session opened with those keys: a person
// who may no longer sign in may not keep acting through a key either. A new role revokes the keys it could
// not have made (an admin made a WARP operator keeps only their keys of that WARP). The last enabled admin
// cannot disable or demote themselves: someone must be left to run the service.
import { and, eq, isNotNull, isNull, ne, not, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { apiTokens, passkeys, sessions, staffMembers, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntryIf } from '../audit/transitions.js';
import { findStaff, type StaffRole, type StaffRow, staffActor, toStaffView } from './members.js';

/** What a change did: the member as it is now, and how many of their API keys it revoked. */
export interface StaffChange {
  staff: ReturnType<typeof toStaffView>;
  keysRevoked: number;
}

const enabled = (address: string) => and(eq(staffMembers.address, address), isNull(staffMembers.disabledAt));

/** The member is still enabled, with the role and WARP they had when read. */
const sameAsRead = (row: StaffRow) =>
  and(
    enabled(row.address),
    eq(staffMembers.role, row.role),
    row.warpId ? eq(staffMembers.warpId, row.warpId) : isNull(staffMembers.warpId),
  );

/** Another enabled admin exists besides `address`. */
const anotherAdmin = (address: string) =>
  sql`exists (select 1 from ${staffMembers} where ${and(
    eq(staffMembers.role, 'admin'),
    isNull(staffMembers.disabledAt),
    ne(staffMembers.address, address),
  )})`;

/** Refuses the change when an admin would take away the service's last admin: themselves. */
function assertNotLastAdmin(actor: ActorContext, row: StaffRow, others: boolean, verb: string) {
  if (row.role === 'admin' && actor.principal.actor === staffActor(row.address) && !others)
    throw new AppError(
      'conflict',
      `You are the only enabled admin: you cannot ${verb} yourself. Add another admin first.`,
    );
}

async function otherAdminsExist(deps: Pick<Deps, 'db'>, address: string) {
  const [row] = await deps.db.all<{ n: number }>(sql`select ${anotherAdmin(address)} as n`);
  return Boolean(row?.n);
}

/**
 * The writes that revoke the keys `owner` owns matching `which`, and end the sessions opened with them
 * (sessions first: they are found through the keys still live), each only while `guard` holds.
 */
function revokeKeysOf(deps: Pick<Deps, 'db'>, owner: string, which: SQL | undefined, guard: SQL, at: Date) {
  const live = and(eq(apiTokens.owner, owner), isNull(apiTokens.revokedAt), which);
  const keyActors = deps.db
    .select({ actor: sql`'token:' || ${apiTokens.id}` })
    .from(apiTokens)
    .where(live);
  return [
    deps.db
      .update(sessions)
      .set({ revokedAt: at })
      .where(and(isNull(sessions.revokedAt), sql`${sessions.actor} in ${keyActors}`, guard)),
    deps.db.update(apiTokens).set({ revokedAt: at }).where(and(live, guard)).returning({ id: apiTokens.id }),
  ] as const;
}

async function mustFind(deps: Pick<Deps, 'db'>, address: string) {
  const row = await findStaff(deps as Deps, address);
  if (!row) throw new AppError('not_found', `There is no staff member ${address}.`);
  return row;
}

/** Runs a change's batch: the entry and writes while `guard` holds, then the guarded update. */
async function run(
  deps: Pick<Deps, 'db'>,
  items: BatchItem[],
  update: BatchItem,
  keysAt: number | null,
): Promise<{ updated: StaffRow | undefined; keysRevoked: number }> {
  const results = await deps.db.batch([...items, update] as unknown as [BatchItem, ...BatchItem[]]);
  const updated = (results[results.length - 1] as unknown as StaffRow[])[0];
  const keys = keysAt === null ? [] : (results[keysAt] as unknown as unknown[]);
  return { updated, keysRevoked: updated ? keys.length : 0 };
}

/** Gives an enabled member another role (and WARP); their sessions end, keys beyond the new role are revoked. */
export async function changeStaffRole(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: ActorContext,
  address: string,
  input: { role: StaffRole; warpId?: string | null },
): Promise<StaffChange> {
  const row = await mustFind(deps, address);
  if (row.disabledAt)
    throw new AppError('conflict', `${address} is disabled: enable them before changing their role.`);
  const warpId = input.role === 'warp' ? (input.warpId ?? null) : null;
  if (input.role === 'warp') {
    if (!warpId)
      throw new AppError('validation_failed', 'A WARP operator needs the WARP they operate.', {
        errors: [{ path: 'warp', message: 'Choose the WARP they operate' }],
      });
    const warp = await deps.db.query.warps.findFirst({ where: eq(warps.id, warpId) });
    if (!warp)
      throw new AppError('validation_failed', `There is no WARP with id "${warpId}".`, {
        errors: [{ path: 'warp', message: 'No such WARP' }],
      });
  } else if (input.warpId) {
    throw new AppError('validation_failed', 'Only a WARP operator is scoped to a WARP.', {
      errors: [{ path: 'warp', message: 'An admin has no WARP' }],
    });
  }
  if (row.role === input.role && (row.warpId ?? null) === warpId)
    return { staff: toStaffView(row), keysRevoked: 0 };
  const demoting = row.role === 'admin' && input.role !== 'admin';
  if (demoting) assertNotLastAdmin(actor, row, await otherAdminsExist(deps, address), 'demote');
  const now = deps.clock.now();
  // Still as read (same role and WARP, enabled) and, when an admin demotes themselves, not the last admin.
  const asRead = and(
    sameAsRead(row),
    demoting && actor.principal.actor === staffActor(address) ? anotherAdmin(address) : undefined,
  ) as SQL;
  const guard = sql`exists (select 1 from ${staffMembers} where ${asRead})`;
  const after = { ...row, role: input.role, warpId };
  // The keys the new role could not have made.
  const beyond =
    input.role === 'admin'
      ? sql`0`
      : not(and(eq(apiTokens.role, 'warp'), eq(apiTokens.warpId, warpId ?? '')) as SQL);
  const [endKeySessions, revokeKeys] = revokeKeysOf(deps, staffActor(address), beyond, guard, now);
  const { updated, keysRevoked } = await run(
    deps,
    [
      auditEntryIf(deps.db, actor, now, guard, {
        action: 'staff.change-role',
        subjectType: 'staff',
        subjectId: address,
        before: toStaffView(row),
        after: toStaffView(after),
      }),
      endKeySessions,
      revokeKeys,
      deps.db
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.actor, staffActor(address)), isNull(sessions.revokedAt), guard)),
    ],
    deps.db.update(staffMembers).set({ role: input.role, warpId }).where(asRead).returning(),
    2,
  );
  if (!updated)
    throw new AppError('conflict', `${address} changed while you were working: look at the team page again.`);
  return { staff: toStaffView(updated), keysRevoked };
}

/** Disables an enabled member: no more sign-in, their sessions end, the API keys they own are revoked. */
export async function disableStaffMember(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: ActorContext,
  address: string,
): Promise<StaffChange> {
  const row = await mustFind(deps, address);
  if (row.disabledAt) throw new AppError('conflict', `${address} is already disabled.`);
  assertNotLastAdmin(actor, row, await otherAdminsExist(deps, address), 'disable');
  const now = deps.clock.now();
  const asRead = and(
    sameAsRead(row),
    row.role === 'admin' && actor.principal.actor === staffActor(address) ? anotherAdmin(address) : undefined,
  ) as SQL;
  const guard = sql`exists (select 1 from ${staffMembers} where ${asRead})`;
  const [endKeySessions, revokeKeys] = revokeKeysOf(deps, staffActor(address), undefined, guard, now);
  const { updated, keysRevoked } = await run(
    deps,
    [
      auditEntryIf(deps.db, actor, now, guard, {
        action: 'staff.disable',
        subjectType: 'staff',
        subjectId: address,
        before: toStaffView(row),
        after: toStaffView({ ...row, disabledAt: now }),
      }),
      endKeySessions,
      revokeKeys,
      deps.db
        .update(sessions)
        .set({ revokedAt: now })
        .where(and(eq(sessions.actor, staffActor(address)), isNull(sessions.revokedAt), guard)),
      // Their passkeys go too: enabled again (or the address given to someone else), they enrol afresh, and
      // a passkey on a lost or stolen device cannot come back with them.
      deps.db
        .update(passkeys)
        .set({ state: 'removed', removedAt: now })
        .where(and(eq(passkeys.staffAddress, address), eq(passkeys.state, 'active'), guard)),
    ],
    deps.db.update(staffMembers).set({ disabledAt: now }).where(asRead).returning(),
    2,
  );
  if (!updated)
    throw new AppError('conflict', `${address} changed while you were working: look at the team page again.`);
  return { staff: toStaffView(updated), keysRevoked };
}

/** Enables a disabled member again, with the role and WARP they had (keys revoked stay revoked). */
export async function enableStaffMember(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: ActorContext,
  address: string,
): Promise<StaffChange> {
  const row = await mustFind(deps, address);
  if (!row.disabledAt) throw new AppError('conflict', `${address} is not disabled.`);
  const now = deps.clock.now();
  const asRead = and(eq(staffMembers.address, address), isNotNull(staffMembers.disabledAt)) as SQL;
  const guard = sql`exists (select 1 from ${staffMembers} where ${asRead})`;
  const { updated } = await run(
    deps,
    [
      auditEntryIf(deps.db, actor, now, guard, {
        action: 'staff.enable',
        subjectType: 'staff',
        subjectId: address,
        before: toStaffView(row),
        after: toStaffView({ ...row, disabledAt: null }),
      }),
    ],
    deps.db.update(staffMembers).set({ disabledAt: null }).where(asRead).returning(),
    null,
  );
  if (!updated)
    throw new AppError('conflict', `${address} changed while you were working: it is not enabled.`);
  return { staff: toStaffView(updated), keysRevoked: 0 };
}

/**
 * Disables a staff member (no more sign-in links), ends their sessions and revokes the API keys they own, in
 * one write (transitions.ts); disabling a disabled member changes nothing.
 */
export async function disableStaff(
  deps: Deps,
  actor: ActorContext,
  addressInput: string,
): Promise<ReturnType<typeof toStaffView>> {
  const checked = checkAddress(addressInput);
  const address = checked.ok ? checked.address : addressInput.trim().toLowerCase();
  const row = await findStaff(deps as Deps, address);
  if (!row) throw new AppError('not_found', `There is no staff member ${address}.`);
  if (row.disabledAt) return toStaffView(row);
  return (await disableStaffMember(deps, actor, address)).staff;
}
