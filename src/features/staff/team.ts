// What the team page shows: every staff member with when they last signed in, and the recent changes to the
// team (from the audit log). A row is a plain object so that other columns (passkeys) can be added to it.
import { asc, desc, eq, sql } from 'drizzle-orm';
import { auditLog, sessions, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { passkeyCounts } from '../passkeys/manage-passkeys.js';
import { type StaffView, toStaffView } from './members.js';

export interface TeamMember extends StaffView {
  /** When they last started a session (link or any other way), or null when never. */
  lastSignInAt: string | null;
  /** How many passkeys they can sign in with (admins must have one once ADMIN_PASSKEY_REQUIRED). */
  passkeys: number;
}

/** Every staff member, enabled ones first, then by name. */
export async function listTeam(deps: Pick<Deps, 'db'>): Promise<TeamMember[]> {
  const lastSignIn = sql<
    number | null
  >`(select max(${sessions.createdAt}) from ${sessions} where ${sessions.actor} = 'staff:' || ${staffMembers.address})`;
  const rows = await deps.db
    .select({ member: staffMembers, lastSignIn })
    .from(staffMembers)
    .orderBy(sql`${staffMembers.disabledAt} is not null`, asc(staffMembers.name), asc(staffMembers.address));
  const passkeys = await passkeyCounts(
    deps.db,
    rows.map((r) => r.member.address),
  );
  return rows.map((r) => ({
    ...toStaffView(r.member),
    lastSignInAt: r.lastSignIn === null ? null : new Date(Number(r.lastSignIn)).toISOString(),
    passkeys: passkeys.get(r.member.address) ?? 0,
  }));
}

/** The latest audit entries about one kind of subject (`staff`, `token`), newest first. */
export async function recentChanges(deps: Pick<Deps, 'db'>, subjectType: string, limit = 10) {
  return deps.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.subjectType, subjectType))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
