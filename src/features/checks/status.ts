// A mailbox's reachability status, derived in one place from its row and its domain's latest checks:
//   retired      not live (retired or refused)
//   unreachable  a hard bounce, or the domain takes no mail (unreachableAt)
//   unverified   registered but not confirmed (pending, or awaiting an admin's approval)
//   stale        re-confirmation overdue past the grace period (staleAt)
//   at-risk      confirmed, but: soft bounces ≥ SOFT_BOUNCE_THRESHOLD; or the latest definite MX or
//                MTA-STS check is critical (no MX host has an address; an enforced MTA-STS policy that does
//                not cover the MX hosts); or weak posture: no effective DMARC (missing, invalid, several
//                records, or p=none) AND no effective SPF (missing, several records, ?all, +all, or no all)
//   confirmed    confirmed, and none of the above
// Temporary (DNS or HTTP) results never count: the latest definite result of that kind is used instead.
import { mailboxes } from '../../db/schema.js';
import { findingCodes } from './findings.js';
import type { LatestChecks, StoredCheck } from './latest.js';

export const mailboxStatuses = [
  'confirmed',
  'unverified',
  'stale',
  'unreachable',
  'at-risk',
  'retired',
] as const;
export type MailboxStatus = (typeof mailboxStatuses)[number];

export const DEFAULT_SOFT_BOUNCE_THRESHOLD = 3;

export type StatusRow = Pick<
  typeof mailboxes.$inferSelect,
  'state' | 'staleAt' | 'unreachableAt' | 'unreachableReason' | 'softBounces'
>;

/** The mailbox columns a status is derived from, to select with a mailbox's address. */
export const statusColumns = {
  state: mailboxes.state,
  staleAt: mailboxes.staleAt,
  unreachableAt: mailboxes.unreachableAt,
  unreachableReason: mailboxes.unreachableReason,
  softBounces: mailboxes.softBounces,
};

export interface StatusOptions {
  softBounceThreshold?: number;
}

const weakDmarc = new Set(['dmarc-missing', 'dmarc-none', 'dmarc-invalid', 'dmarc-multiple']);
const weakSpf = new Set([
  'spf-missing',
  'spf-multiple',
  'spf-permerror',
  'spf-pass-all',
  'spf-neutral-all',
  'spf-no-all',
]);

function definite(check: StoredCheck | undefined): StoredCheck | undefined {
  if (!check) return undefined;
  return check.severity === 'temporary' ? check.lastDefinite : check;
}

/** The status and the reasons for it, in words. */
export function mailboxStatusDetail(
  row: StatusRow,
  latestChecks: LatestChecks = {},
  options: StatusOptions = {},
): { status: MailboxStatus; reasons: string[] } {
  if (row.state === 'retired' || row.state === 'refused') return { status: 'retired', reasons: [] };
  if (row.unreachableAt)
    return { status: 'unreachable', reasons: [row.unreachableReason ?? 'Mail to it cannot be delivered.'] };
  if (row.state !== 'confirmed')
    return {
      status: 'unverified',
      reasons: [
        row.state === 'pending'
          ? 'Nobody has followed its confirmation link yet.'
          : row.state === 'awaiting-handover'
            ? 'It waits for the council’s current primary mailbox (or an administrator) to agree that it takes over.'
            : 'An administrator has not approved it yet.',
      ],
    };
  if (row.staleAt) return { status: 'stale', reasons: ['Its re-confirmation is overdue.'] };

  const reasons: string[] = [];
  const threshold = options.softBounceThreshold ?? DEFAULT_SOFT_BOUNCE_THRESHOLD;
  if (row.softBounces >= threshold)
    reasons.push(
      `${row.softBounces} messages to it were delayed (soft bounces) since it was last confirmed.`,
    );
  for (const kind of ['mx', 'mta-sts'] as const) {
    const check = definite(latestChecks[kind]);
    if (check?.severity === 'critical') reasons.push(check.summary);
  }
  const dmarc = definite(latestChecks.dmarc);
  const spf = definite(latestChecks.spf);
  if (
    dmarc &&
    spf &&
    findingCodes(dmarc.detail).some((c) => weakDmarc.has(c)) &&
    findingCodes(spf.detail).some((c) => weakSpf.has(c))
  )
    reasons.push('Its domain has neither an effective DMARC policy nor an effective SPF record.');
  if (reasons.length) return { status: 'at-risk', reasons };
  // Nothing wrong is known; but a domain never checked successfully is not known to be right either.
  if (!definite(latestChecks.mx))
    return {
      status: 'confirmed',
      reasons: ['Its domain has not been checked successfully yet, so nothing is known of its mail set-up.'],
    };
  return { status: 'confirmed', reasons: [] };
}

export function mailboxStatus(row: StatusRow, latestChecks: LatestChecks = {}, options: StatusOptions = {}) {
  return mailboxStatusDetail(row, latestChecks, options).status;
}

/** The domain part of a mailbox address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
