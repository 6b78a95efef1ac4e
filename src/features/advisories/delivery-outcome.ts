// What a send's outcome does to a delivery: delivered and 5xx are final; 4xx and connection faults are
// retried with exponential backoff and full jitter until the delivery's deadline, then final.
import { sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import type { SendResult } from '../../ports/mailer.js';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

export interface DeliveryUpdate {
  status: 'delivered' | 'temporary-failure' | 'permanent-failure' | 'technical-failure';
  nextAttemptAt: number | null;
  lastReply: string;
  lastCode: number | null;
  deliveredAt: number | null;
  failedAt: number | null;
}

/** Backoff before attempt n+1 after n attempts: base·2^(n-1), capped, with jitter in [½, 1]. */
function retryDelay(attempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function outcomeUpdate(
  result: SendResult,
  delivery: { attempts: number; deadlineAt: number },
  now: number,
  policy: RetryPolicy,
  random?: () => number,
): DeliveryUpdate {
  const reply = result.reply.slice(0, 1000);
  const code = result.code ?? null;
  if (result.status === 'delivered')
    return {
      status: 'delivered',
      nextAttemptAt: null,
      lastReply: reply,
      lastCode: code,
      deliveredAt: now,
      failedAt: null,
    };
  if (result.status === 'permanent-failure')
    return {
      status: 'permanent-failure',
      nextAttemptAt: null,
      lastReply: reply,
      lastCode: code,
      deliveredAt: null,
      failedAt: now,
    };
  const next = now + retryDelay(delivery.attempts, policy, random);
  const retry = next < delivery.deadlineAt;
  return {
    status: result.status,
    nextAttemptAt: retry ? next : null,
    lastReply: reply,
    lastCode: code,
    deliveredAt: null,
    failedAt: retry ? null : now,
  };
}

/** Outcomes written per statement: one JSON parameter each, so D1's limit on bound parameters never applies. */
const OUTCOMES_PER_STATEMENT = 500;

/**
 * Writes send outcomes back and ends their leases: one UPDATE … FROM json_each(?) per few hundred deliveries
 * instead of one statement each (each statement is parsed and planned anew, which cost more than the writes).
 * Only rows still leased to `owner` and still sending are touched, as before.
 */
export async function recordOutcomes(
  deps: Deps,
  owner: string,
  outcomes: ReadonlyArray<{ id: string; update: DeliveryUpdate }>,
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
      ]);
    // `+d.status` keeps the planner on the primary key (one lookup per outcome) rather than the status index.
    await deps.db.run(sql`
      update deliveries as d set
        status = json_extract(o.value, '$[1]'),
        next_attempt_at = json_extract(o.value, '$[2]'),
        last_reply = json_extract(o.value, '$[3]'),
        last_code = json_extract(o.value, '$[4]'),
        delivered_at = coalesce(json_extract(o.value, '$[5]'), d.delivered_at),
        failed_at = coalesce(json_extract(o.value, '$[6]'), d.failed_at),
        lease_owner = null,
        lease_expires_at = null
      from json_each(${JSON.stringify(rows)}) as o
      where d.id = json_extract(o.value, '$[0]') and d.lease_owner = ${owner} and +d.status = 'sending'`);
  }
}
