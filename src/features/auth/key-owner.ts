// Whether the person an API key belongs to still vouches for it (src/features/auth/tokens.ts for keys,
// sessions.ts for sessions opened with a key): a key lives only as long as its source, as a session does.
import { and, eq, sql } from 'drizzle-orm';
import { apiTokens, mailboxes, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';

type KeyRow = Pick<typeof apiTokens.$inferSelect, 'owner' | 'role' | 'warpId' | 'authorityCode'>;

/** What the key's owner looks like now: the staff member or the council mailbox (null when absent). */
export interface KeyOwnerNow {
  staff: {
    address: string | null;
    role: string | null;
    warpId: string | null;
    disabledAt: Date | null;
  } | null;
  mailbox: { id: string | null; state: string | null; authorityCode: string | null } | null;
}

/** The owner's columns, for a query of `api_tokens` left-joined with `ownerJoins`. */
export const ownerColumns = {
  staff: {
    address: staffMembers.address,
    role: staffMembers.role,
    warpId: staffMembers.warpId,
    disabledAt: staffMembers.disabledAt,
  },
  mailbox: { id: mailboxes.id, state: mailboxes.state, authorityCode: mailboxes.authorityCode },
};

/** The join conditions from `api_tokens` to its owner (`staff:<address>` or `mailbox:<id>`). */
export const ownerJoins = {
  staff: and(
    sql`${apiTokens.owner} like 'staff:%'`,
    eq(staffMembers.address, sql`substr(${apiTokens.owner}, 7)`),
  ),
  mailbox: and(
    sql`${apiTokens.owner} like 'mailbox:%'`,
    eq(mailboxes.id, sql`substr(${apiTokens.owner}, 9)`),
  ),
};

/**
 * Why the person a key belongs to no longer vouches for it, or null while they do. A staff member disabled,
 * or no longer able to make such a key; a council mailbox no longer confirmed, or no longer the council's.
 * Keys without an owner (the CLI's, older ones) live by their own revocation and expiry.
 */
export function ownerEndedFrom(row: KeyRow, now: KeyOwnerNow): string | null {
  const owner = row.owner;
  if (!owner) return null;
  if (owner.startsWith('staff:')) {
    const staff = now.staff;
    if (!staff?.address || staff.disabledAt) return 'its owner was disabled';
    if (staff.role === 'admin') return null;
    if (row.role !== 'warp' || (staff.warpId ?? null) !== (row.warpId ?? null))
      return 'its owner’s role changed';
    return null;
  }
  if (owner.startsWith('mailbox:')) {
    const mailbox = now.mailbox;
    if (!mailbox?.id || mailbox.state !== 'confirmed') return 'its owner’s mailbox is no longer confirmed';
    if (mailbox.authorityCode !== row.authorityCode) return 'its owner’s mailbox belongs to another council';
    return null;
  }
  return null;
}

/** `ownerEndedFrom`, reading the owner (for a key already in hand without its owner: a session's). */
export async function ownerEnded(
  deps: Pick<Deps, 'db'>,
  row: KeyRow & { id: string },
): Promise<string | null> {
  if (!row.owner) return null;
  const [now] = await deps.db
    .select(ownerColumns)
    .from(apiTokens)
    .leftJoin(staffMembers, ownerJoins.staff)
    .leftJoin(mailboxes, ownerJoins.mailbox)
    .where(eq(apiTokens.id, row.id))
    .limit(1);
  return ownerEndedFrom(row, now ?? { staff: null, mailbox: null });
}
