// THE one place where a mailbox's coverage state is derived: the SQL rank the coverage, chase and snapshot
// queries aggregate over every authority at once, and the same rule in TypeScript for one authority's page.
// "Stale" and "unreachable" come straight from the mailbox's reachability columns (`stale_at`,
// `unreachable_at` set), exactly as `mailboxStatus(row, latestChecks)` in src/features/checks/status.ts
// decides them (a test holds the two together); its `at-risk` (a confirmed mailbox whose domain checks or
// soft bounces worry it) still counts as confirmed here, because the report must stay one grouped query
// over the mailbox rows. Change the rule here, in both halves, and nowhere else.
//
// Buckets. Every current authority counts in exactly ONE bucket, by the best state among its PRIMARY
// mailboxes (secondary and out-of-hours mailboxes are extras and never change the bucket):
//   confirmed   a confirmed primary that is neither stale nor unreachable
//   stale       else a confirmed primary whose re-confirmation is overdue past its grace (stale_at set)
//   unreachable else a live primary that bounced hard or whose domain takes no mail (unreachable_at set,
//               whether or not it was confirmed; a mailbox both stale and unreachable counts as unreachable)
//   pending     else a primary registered on the council's domain (or approved) but not yet confirmed:
//               it can receive its confirmation link
//   none        no primary that can receive mail: never registered, retired or refused, or only one
//               waiting for an admin to approve its domain (it receives nothing until then, so anyone who
//               can register an address must not be able to move a council out of `none`); it may have a
//               secondary
// so confirmed + stale + unreachable + pending + none = authorities.

import { type SQL, sql } from 'drizzle-orm';
import { mailboxes } from '../../db/schema.js';
import { liveMailboxStatesSql } from '../../db/vocabulary.js';
import { isLiveMailboxState } from '../../domain/mailbox-states.js';

export const buckets = ['confirmed', 'stale', 'unreachable', 'pending', 'none'] as const;
export type Bucket = (typeof buckets)[number];

/** Ranks, best first. `awaiting-approval` ranks above `none` (the chase list says why) but counts as none. */
export const rank = {
  confirmed: 5,
  stale: 4,
  unreachable: 3,
  pending: 2,
  awaitingApproval: 1,
  none: 0,
} as const;

export function bucketOfRank(r: number): Bucket {
  if (r >= rank.confirmed) return 'confirmed';
  if (r === rank.stale) return 'stale';
  if (r === rank.unreachable) return 'unreachable';
  if (r === rank.pending) return 'pending';
  return 'none';
}

/**
 * The rank of one row of `mailboxes` (0 for anything that is not a live primary, and for the null row of a
 * left join). Aggregate it with max() per authority.
 */
export const mailboxRankSql: SQL<number> = sql<number>`(case
  when ${mailboxes.kind} <> 'primary' or ${mailboxes.kind} is null then 0
  when ${mailboxes.state} not in (${liveMailboxStatesSql}) then 0
  when ${mailboxes.state} = 'awaiting-approval' then ${sql.raw(String(rank.awaitingApproval))}
  when ${mailboxes.unreachableAt} is not null then ${sql.raw(String(rank.unreachable))}
  when ${mailboxes.state} = 'confirmed' and ${mailboxes.staleAt} is not null then ${sql.raw(String(rank.stale))}
  when ${mailboxes.state} = 'confirmed' then ${sql.raw(String(rank.confirmed))}
  when ${mailboxes.state} in ('pending', 'awaiting-handover') then ${sql.raw(String(rank.pending))}
  else 0 end)`;

/** The rank of one mailbox row in TypeScript: the same rule as `mailboxRankSql`. */
export function mailboxRank(row: {
  kind: string;
  state: string;
  staleAt: Date | null;
  unreachableAt: Date | null;
}): number {
  if (row.kind !== 'primary' || !isLiveMailboxState(row.state)) return rank.none;
  if (row.state === 'awaiting-approval') return rank.awaitingApproval;
  if (row.unreachableAt) return rank.unreachable;
  if (row.state === 'confirmed') return row.staleAt ? rank.stale : rank.confirmed;
  if (row.state === 'pending' || row.state === 'awaiting-handover') return rank.pending;
  return rank.none;
}

/** One authority's bucket from its mailbox rows (any kinds and states). */
export function authorityBucket(rows: ReadonlyArray<Parameters<typeof mailboxRank>[0]>): Bucket {
  return bucketOfRank(rows.reduce<number>((best, row) => Math.max(best, mailboxRank(row)), rank.none));
}
