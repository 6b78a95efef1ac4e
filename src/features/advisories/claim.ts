// Claiming work with leases kept in the database: one UPDATE … RETURNING takes due deliveries (new, due
// for retry, or leased by a worker that died) and marks them as this worker's, so any number of processes
// or instances can drain one queue without sending a delivery twice.
import { and, type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { advisoryTransitions } from './transitions.js';

export interface ClaimedDelivery {
  id: string;
  advisoryId: string;
  mailboxId: string;
  authorityCode: string | null;
  address: string;
  mailboxKind: string;
  attempts: number;
  deadlineAt: number;
}

/** Finalises retryable deliveries whose deadline has passed (they keep their last failure status). */
export async function expireOverdue(deps: Deps, now: number): Promise<void> {
  await deps.db.run(sql`
    update deliveries set next_attempt_at = null, failed_at = ${now}
    where status in ('temporary-failure', 'technical-failure') and next_attempt_at is not null and deadline_at <= ${now}`);
}

export async function claimDeliveries(
  deps: Deps,
  owner: string,
  limit: number,
  leaseMs: number,
  now: number,
  advisoryId?: string,
): Promise<ClaimedDelivery[]> {
  const onlyOne = advisoryId ? sql`and d.advisory_id = ${advisoryId}` : sql``;
  const sendingAdvisory = sql`d.advisory_id in (select a.id from advisories a where a.state = 'sending') ${onlyOne}`;
  // Each kind of due delivery is read in next_attempt_at order from its own index range, at most `limit` of
  // each, so a claim reads a few hundred index entries however long the queue is. (One OR over the kinds
  // made SQLite collect and sort every due delivery on every claim: quadratic in the size of a fan-out.)
  const due = (status: string) => sql`
    select * from (select d.id, d.next_attempt_at from deliveries d
      where d.status = ${status} and d.next_attempt_at <= ${now} and ${sendingAdvisory}
      order by d.next_attempt_at limit ${limit})`;
  const leaseRunOut = sql`
    select * from (select d.id, d.next_attempt_at from deliveries d
      where d.status = 'sending' and d.lease_expires_at <= ${now} and ${sendingAdvisory}
      order by d.next_attempt_at limit ${limit})`;
  const rows = await deps.db.all<{
    id: string;
    advisory_id: string;
    mailbox_id: string;
    authority_code: string | null;
    address: string;
    mailbox_kind: string;
    attempts: number;
    deadline_at: number;
  }>(sql`
    update deliveries
    set status = 'sending', lease_owner = ${owner}, lease_expires_at = ${now + leaseMs}, attempts = attempts + 1,
        first_attempt_at = coalesce(first_attempt_at, ${now})
    where id in (
      select id from (
        ${due('created')}
        union all ${due('temporary-failure')}
        union all ${due('technical-failure')}
        union all ${leaseRunOut}
      )
      order by next_attempt_at
      limit ${limit}
    )
    returning id, advisory_id, mailbox_id, authority_code, address, mailbox_kind, attempts, deadline_at`);
  return rows.map((r) => ({
    id: r.id,
    advisoryId: r.advisory_id,
    mailboxId: r.mailbox_id,
    authorityCode: r.authority_code,
    address: r.address,
    mailboxKind: r.mailbox_kind,
    attempts: Number(r.attempts),
    deadlineAt: Number(r.deadline_at),
  }));
}

/** Gives back leased deliveries that were not sent (graceful shutdown): due again at once. */
export async function releaseLeases(deps: Deps, owner: string, ids: string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.run(sql`
    update deliveries set lease_expires_at = ${now}, attempts = max(attempts - 1, 0)
    where status = 'sending' and lease_owner = ${owner} and ${inList(sql`id`, ids)}`);
}

/**
 * Extends this worker's leases on deliveries it still holds (queued, being sent, or sent with the outcome
 * not yet written), so that a live worker's leases never run out and nobody, itself included, claims them again.
 */
export async function renewLeases(
  deps: Deps,
  owner: string,
  ids: string[],
  now: number,
  leaseMs: number,
): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.run(sql`
    update deliveries set lease_expires_at = ${now + leaseMs}
    where status = 'sending' and lease_owner = ${owner} and ${inList(sql`id`, ids)}`);
}

/**
 * Marks advisories whose every delivery is final as sent (of these, or of every one sending): their
 * `complete` transition, in one statement.
 */
export async function completeAdvisories(
  deps: Deps,
  ids: string[] | 'all sending',
  now: number,
): Promise<void> {
  if (Array.isArray(ids) && ids.length === 0) return;
  const at = new Date(now);
  await advisoryTransitions.applyMany(deps.db, 'complete', {
    where: and(
      ids === 'all sending' ? undefined : inList(advisories.id, ids),
      sql`not exists (
        select 1 from deliveries d where d.advisory_id = ${advisories.id}
          and (d.status in ('created', 'sending')
            or (d.status in ('temporary-failure', 'technical-failure') and d.next_attempt_at is not null)))`,
    ) as SQL,
    set: { sentAt: at },
    at,
  });
}
