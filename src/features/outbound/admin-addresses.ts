// Who hears about a failure of the service itself: the enabled admin staff and ADMIN_NOTIFY_ADDRESSES.
import { and, eq, isNull } from 'drizzle-orm';
import { staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';

export async function adminAlertAddresses(deps: Pick<Deps, 'db' | 'config'>): Promise<string[]> {
  const staff = await deps.db
    .select({ address: staffMembers.address })
    .from(staffMembers)
    .where(and(eq(staffMembers.role, 'admin'), isNull(staffMembers.disabledAt)));
  const configured = deps.config.ADMIN_NOTIFY_ADDRESSES.split(',').map((a) => a.trim());
  return [...new Set([...staff.map((s) => s.address), ...configured].map((a) => a.toLowerCase()))].filter(
    Boolean,
  );
}
