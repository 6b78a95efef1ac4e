// Staff members: NCSC administrators and WARP operators who sign in to the pages by magic link. Added,
// listed and disabled by an admin (API or CLI); disabling one also ends their open sessions. Every change
// is audited in the same atomic write.
import { asc, eq, isNull } from 'drizzle-orm';
import staffInvitation from '../../../templates/staff-invitation.js';
import { staffMembers, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { composeMessage } from '../../mail/compose.js';
import { auditEntry } from '../audit/record.js';
import { queueMail } from '../outbound/queue-mail.js';

export const staffRoles = ['admin', 'warp'] as const;
export type StaffRole = (typeof staffRoles)[number];
export type StaffRow = typeof staffMembers.$inferSelect;

export interface StaffView {
  address: string;
  name: string;
  role: StaffRole;
  warp: string | null;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
}

export function toStaffView(row: StaffRow): StaffView {
  return {
    address: row.address,
    name: row.name,
    role: row.role,
    warp: row.warpId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

/** The session actor of a staff member (what sessions and the audit log record). */
export { staffActor } from '../../domain/principal.js';

/** A staff address, normalised as mailbox addresses are; a bad one is a 422 on `address`. */
export function normaliseStaffAddress(input: string): string {
  const checked = checkAddress(input);
  if (!checked.ok)
    throw new AppError('validation_failed', checked.reason, {
      errors: [{ path: 'address', message: checked.reason }],
    });
  return checked.address;
}

export async function findStaff(deps: Deps, address: string): Promise<StaffRow | undefined> {
  return deps.db.query.staffMembers.findFirst({ where: eq(staffMembers.address, address) });
}

export interface NewStaff {
  address: string;
  name: string;
  role: StaffRole;
  warpId?: string | null;
}

/**
 * Adds a staff member, or enables a disabled one again with the details given. An enabled member with the
 * same address is a 409. A WARP operator needs an existing WARP; an admin has none.
 */
export async function addStaff(
  deps: Deps,
  actor: ActorContext,
  input: NewStaff,
): Promise<{ staff: StaffView; created: boolean }> {
  const address = normaliseStaffAddress(input.address);
  const name = input.name.trim();
  if (!name)
    throw new AppError('validation_failed', 'Give the staff member’s name.', {
      errors: [{ path: 'name', message: 'Enter a name' }],
    });
  const warpId = input.warpId ?? null;
  if (input.role === 'warp') {
    if (!warpId)
      throw new AppError('validation_failed', 'A WARP operator needs the WARP they operate.', {
        errors: [{ path: 'warp', message: 'Give the WARP id' }],
      });
    const warp = await deps.db.query.warps.findFirst({ where: eq(warps.id, warpId) });
    if (!warp)
      throw new AppError('validation_failed', `There is no WARP with id "${warpId}".`, {
        errors: [{ path: 'warp', message: 'No such WARP' }],
      });
  } else if (warpId) {
    throw new AppError('validation_failed', 'Only a WARP operator is scoped to a WARP.', {
      errors: [{ path: 'warp', message: 'An admin has no WARP' }],
    });
  }
  const existing = await findStaff(deps, address);
  if (existing && !existing.disabledAt)
    throw new AppError('conflict', `${address} is already a staff member.`);
  const now = deps.clock.now();
  const row: StaffRow = {
    address,
    name,
    role: input.role,
    warpId,
    createdBy: actor.principal.actor,
    createdAt: existing?.createdAt ?? now,
    disabledAt: null,
  };
  const write = existing
    ? deps.db
        .update(staffMembers)
        .set({ name, role: input.role, warpId, disabledAt: null })
        .where(eq(staffMembers.address, address))
    : deps.db.insert(staffMembers).values(row);
  await deps.db.batch([
    write,
    auditEntry(deps.db, actor, now, {
      action: existing ? 'staff.enable' : 'staff.add',
      subjectType: 'staff',
      subjectId: address,
      before: existing ? toStaffView(existing) : undefined,
      after: toStaffView(row),
    }),
  ]);
  return {
    staff: toStaffView(existing ? { ...row, createdBy: existing.createdBy } : row),
    created: !existing,
  };
}

export async function listStaff(deps: Deps, options: { includeDisabled?: boolean } = {}) {
  const rows = await deps.db
    .select()
    .from(staffMembers)
    .where(options.includeDisabled ? undefined : isNull(staffMembers.disabledAt))
    .orderBy(asc(staffMembers.address));
  return rows.map(toStaffView);
}

/** E-mails a staff member that they were added and how to sign in; whether it was queued. */
export async function sendStaffInvitation(deps: Deps, staff: StaffView): Promise<boolean> {
  const warp = staff.warp
    ? await deps.db.query.warps.findFirst({ where: eq(warps.id, staff.warp) })
    : undefined;
  const role =
    staff.role === 'admin' ? 'an NCSC administrator' : `an operator of ${warp?.name ?? staff.warp}`;
  try {
    await queueMail(
      deps,
      composeMessage(
        deps.config,
        staffInvitation,
        {
          serviceName: deps.config.SERVICE_NAME,
          name: staff.name,
          role,
          signInUrl: `${deps.config.PUBLIC_BASE_URL}/sign-in`,
        },
        staff.address,
      ),
      { lane: 'notices', purpose: 'staff invitation' },
    );
    return true;
  } catch (err) {
    deps.log.error('the staff invitation could not be queued', { err });
    return false;
  }
}
