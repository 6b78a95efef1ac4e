// Whether the person an API key belongs to still vouches for it (src/features/auth/tokens.ts for keys,
// sessions.ts for sessions opened with a key): a key lives only as long as its source, as a session does.
import { eq } from 'drizzle-orm';
import { type apiTokens, mailboxes, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';

/**
 * Why the person a key belongs to no longer vouches for it, or null while they do: a key lives only as long
 * as its source, like a session. A staff member disabled, or no longer able to make such a key; a council
 * mailbox no longer confirmed, or no longer the council's. Keys without an owner (the CLI's, older ones)
 * live by their own revocation and expiry.
 */
export async function ownerEnded(
  deps: Pick<Deps, 'db'>,
  row: Pick<typeof apiTokens.$inferSelect, 'owner' | 'role' | 'warpId' | 'authorityCode'>,
): Promise<string | null> {
  const owner = row.owner;
  if (!owner) return null;
  if (owner.startsWith('staff:')) {
    const staff = await deps.db.query.staffMembers.findFirst({
      where: eq(staffMembers.address, owner.slice('staff:'.length)),
    });
    if (!staff || staff.disabledAt) return 'its owner was disabled';
    if (staff.role === 'admin') return null;
    if (row.role !== 'warp' || (staff.warpId ?? null) !== (row.warpId ?? null))
      return 'its owner’s role changed';
    return null;
  }
  if (owner.startsWith('mailbox:')) {
    const mailbox = await deps.db.query.mailboxes.findFirst({
      where: eq(mailboxes.id, owner.slice('mailbox:'.length)),
    });
    if (!mailbox || mailbox.state !== 'confirmed') return 'its owner’s mailbox is no longer confirmed';
    if (mailbox.authorityCode !== row.authorityCode) return 'its owner’s mailbox belongs to another council';
    return null;
  }
  return null;
}
