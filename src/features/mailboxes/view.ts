// The mailbox as the API shows it.
import type { mailboxes } from '../../db/schema.js';
import type { LatestChecks } from '../checks/latest.js';
import { mailboxStatusDetail, type StatusOptions } from '../checks/status.js';

export type MailboxRow = typeof mailboxes.$inferSelect;

/** What the status is derived from beyond the row: its domain's latest checks (none: row-only rules). */
export interface StatusContext extends StatusOptions {
  checks?: LatestChecks;
}

export function toMailboxView(row: MailboxRow, context: StatusContext = {}) {
  const { status, reasons } = mailboxStatusDetail(row, context.checks, context);
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
    /** For a new primary waiting for the current one's consent: when it takes over unless refused. */
    handoverDueAt: row.handoverDueAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    approvedAt: row.approvedAt?.toISOString() ?? null,
    approvedBy: row.approvedBy,
    confirmedAt: row.confirmedAt?.toISOString() ?? null,
    retiredAt: row.retiredAt?.toISOString() ?? null,
    retiredReason: row.retiredReason,
    /** confirmed, unverified, stale, unreachable, at-risk or retired (see features/checks/status.ts). */
    status,
    reachability: {
      reasons,
      reconfirmDueAt: row.reconfirmDueAt?.toISOString() ?? null,
      staleAt: row.staleAt?.toISOString() ?? null,
      unreachableAt: row.unreachableAt?.toISOString() ?? null,
      unreachableReason: row.unreachableReason,
      softBounces: row.softBounces,
      lastBounceAt: row.lastBounceAt?.toISOString() ?? null,
    },
  };
}

export type MailboxView = ReturnType<typeof toMailboxView>;

export const personalAddressWarning =
  'This address looks like a person’s own mailbox. The NCSC asks for a dedicated team mailbox that more than one person reads, so that warnings still arrive when someone is away or leaves.';
