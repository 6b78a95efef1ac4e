// The mailbox as the API shows it.
import type { mailboxes } from '../../db/schema.js';

export type MailboxRow = typeof mailboxes.$inferSelect;

export function toMailboxView(row: MailboxRow) {
  return {
    id: row.id,
    authority: row.authorityCode,
    address: row.address,
    kind: row.kind,
    team: row.team,
    phone: row.phone,
    state: row.state,
    needsApproval: row.needsApproval,
    looksPersonal: row.looksPersonal,
    replaces: row.replacesId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    approvedAt: row.approvedAt?.toISOString() ?? null,
    approvedBy: row.approvedBy,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    retiredAt: row.retiredAt?.toISOString() ?? null,
    retiredReason: row.retiredReason,
  };
}

export type MailboxView = ReturnType<typeof toMailboxView>;

export const personalAddressWarning =
  'This address looks like a person’s own mailbox. The NCSC asks for a dedicated team mailbox that more than one person reads, so that warnings still arrive when someone is away or leaves.';
