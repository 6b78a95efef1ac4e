// The SQL the engine runs on a queue table (advisory `deliveries`, or `outbound_mail`): both have the same
// lease columns, so claiming, renewing, giving back and writing outcomes are written once here. Each
// statement binds a handful of parameters (lists go in as one JSON text), so D1's limit never applies.
import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import type { DeliveryUpdate } from './outcome.js';

export type QueueTable = 'deliveries' | 'outbound_mail';

const tableSql = (table: QueueTable) => sql.raw(table === 'deliveries' ? 'deliveries' : 'outbound_mail');

/** `id in (…)` over a JSON array: one bound parameter however many ids. */
const idIn = (ids: readonly string[]) => sql`id in (select value from json_each(${JSON.stringify(ids)}))`;

export interface ClaimSpec {
  table: QueueTable;
  owner: string;
  limit: number;
  leaseMs: number;
  now: number;
  /** A condition on the row (alias `d`) that narrows the claim: a lane, or advisories being sent. */
  scope: SQL;
  /** The columns to return. */
  columns: SQL;
}

/**
 * Claims due rows: new, due for a retry, or (`lapsed`) leased by a worker whose lease ran out, which may
 * have sent them already: those count a resend. Each status is read from its own index range in
 * next_attempt_at order, at most `limit` of each, so a claim reads a few hundred index entries however
 * long the queue is (one OR over the statuses made SQLite sort every due row on every claim).
 */
export async function claimRows<R>(deps: Pick<Deps, 'db'>, spec: ClaimSpec, lapsed: boolean): Promise<R[]> {
  const { owner, limit, leaseMs, now, scope, columns } = spec;
  const t = tableSql(spec.table);
  const due = (status: string) => sql`
    select * from (select d.id, d.next_attempt_at from ${t} d
      where d.status = ${status} and d.next_attempt_at <= ${now} and ${scope}
      order by d.next_attempt_at limit ${limit})`;
  const candidates = lapsed
    ? sql`select d.id, d.next_attempt_at from ${t} d
        where d.status = 'sending' and d.lease_expires_at <= ${now} and ${scope}
        order by d.lease_expires_at limit ${limit}`
    : sql`select * from (${due('created')} union all ${due('temporary-failure')} union all ${due('technical-failure')})
        order by next_attempt_at limit ${limit}`;
  return deps.db.all<R>(sql`
    update ${t}
    set status = 'sending', lease_owner = ${owner}, lease_expires_at = ${now + leaseMs}, attempts = attempts + 1,
        resends = resends + ${lapsed ? sql`(case when lease_owner is not null then 1 else 0 end)` : sql`0`}
    where id in (select id from (${candidates}))
    returning ${columns}`);
}

/** Extends this worker's leases on rows it still holds (queued, being sent, or awaiting their write). */
export async function renewRows(
  deps: Pick<Deps, 'db'>,
  table: QueueTable,
  owner: string,
  ids: readonly string[],
  until: number,
): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.run(sql`
    update ${tableSql(table)} set lease_expires_at = ${until}
    where status = 'sending' and lease_owner = ${owner} and ${idIn(ids)}`);
}

/** Gives back claimed rows that were not sent: due again at once, the attempt not counted. */
export async function releaseRows(
  deps: Pick<Deps, 'db'>,
  table: QueueTable,
  owner: string,
  ids: readonly string[],
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.run(sql`
    update ${tableSql(table)} set lease_expires_at = ${now}, lease_owner = null, attempts = max(attempts - 1, 0)
    where status = 'sending' and lease_owner = ${owner} and ${idIn(ids)}`);
}

/** Every row this owner still holds, given back (a stop that could not wait for its sends). */
export async function releaseAllOf(deps: Pick<Deps, 'db'>, table: QueueTable, owner: string, now: number) {
  const rows = await deps.db.all<{ id: string }>(sql`
    update ${tableSql(table)} set lease_expires_at = ${now}
    where status = 'sending' and lease_owner = ${owner}
    returning id`);
  return rows.length;
}

/** Outcomes per statement: one JSON parameter each. */
const OUTCOMES_PER_STATEMENT = 500;

/**
 * Writes outcomes back and ends their leases: one UPDATE … FROM json_each(?) per few hundred rows (each
 * statement is parsed and planned anew, which costs more than the writes). Only rows still leased to
 * `owner` and still sending are touched. `extra` sets more columns (the queued message's body is cleared).
 */
export async function recordRows(
  deps: Pick<Deps, 'db'>,
  table: QueueTable,
  owner: string,
  outcomes: ReadonlyArray<{ id: string; update: DeliveryUpdate }>,
  extra: SQL = sql``,
): Promise<void> {
  for (let i = 0; i < outcomes.length; i += OUTCOMES_PER_STATEMENT) {
    const rows = outcomes
      .slice(i, i + OUTCOMES_PER_STATEMENT)
      .map(({ id, update: u }) => [
        id,
        u.status,
        u.nextAttemptAt,
        u.lastReply,
        u.lastCode,
        u.deliveredAt,
        u.failedAt,
        u.deliveredMessageId ?? null,
        u.lastFailure ?? null,
      ]);
    // `+d.status` keeps the planner on the primary key (one lookup per outcome) rather than the status index.
    await deps.db.run(sql`
      update ${tableSql(table)} as d set
        status = json_extract(o.value, '$[1]'),
        next_attempt_at = json_extract(o.value, '$[2]'),
        last_reply = json_extract(o.value, '$[3]'),
        last_code = json_extract(o.value, '$[4]'),
        delivered_at = coalesce(json_extract(o.value, '$[5]'), d.delivered_at),
        failed_at = coalesce(json_extract(o.value, '$[6]'), d.failed_at),
        delivered_message_id = coalesce(json_extract(o.value, '$[7]'), d.delivered_message_id),
        last_failure = json_extract(o.value, '$[8]'),
        lease_owner = null,
        lease_expires_at = null ${extra}
      from json_each(${JSON.stringify(rows)}) as o
      where d.id = json_extract(o.value, '$[0]') and d.lease_owner = ${owner} and +d.status = 'sending'`);
  }
}

/**
 * Outcomes recorded as the recipient's refusal that were ours after all: retryable again at once, as
 * technical failures (they are retried when the sender works again).
 */
export async function reconsiderRows(
  deps: Pick<Deps, 'db'>,
  table: QueueTable,
  ids: readonly string[],
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await deps.db.run(sql`
    update ${tableSql(table)} set status = 'technical-failure', next_attempt_at = ${now}, failed_at = null
    where status in ('permanent-failure', 'temporary-failure') and deadline_at > ${now} and ${idIn(ids)}`);
}

/** Rows leased by other workers whose leases have not run out, and when the first of them does. */
export async function heldElsewhere(
  deps: Pick<Deps, 'db'>,
  table: QueueTable,
  owner: string,
  now: number,
  scope: SQL,
): Promise<{ count: number; until: number | null }> {
  const [row] = await deps.db.all<{ n: number; until: number | null }>(sql`
    select count(*) as n, min(d.lease_expires_at) as until from ${tableSql(table)} d
    where d.status = 'sending' and d.lease_owner <> ${owner} and d.lease_expires_at > ${now} and ${scope}`);
  return { count: Number(row?.n ?? 0), until: row?.until == null ? null : Number(row.until) };
}

/** Finalises retryable rows whose deadline has passed (they keep their last failure status). */
export async function expireOverdueRows(
  deps: Pick<Deps, 'db'>,
  table: QueueTable,
  now: number,
  extra = sql``,
) {
  await deps.db.run(sql`
    update ${tableSql(table)} set next_attempt_at = null, failed_at = ${now} ${extra}
    where status in ('temporary-failure', 'technical-failure') and next_attempt_at is not null and deadline_at <= ${now}`);
}
