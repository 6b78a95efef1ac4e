// The fan-out engine: claims due deliveries in batches, sends them through the mailer with bounded
// concurrency (the mailer's pool sets connections and rate), and writes outcomes back in batches.
// Claiming the next batch overlaps with sending the current one, so the pool never runs dry.

import { sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import {
  type ClaimedDelivery,
  claimDeliveries,
  completeAdvisories,
  expireOverdue,
  releaseLeases,
  renewLeases,
} from './claim.js';
import { claimQueue } from './claim-queue.js';
import { deliveryMessages, sendDelivery } from './delivery-messages.js';
import { type DeliveryUpdate, outcomeUpdate, type RetryPolicy, recordOutcomes } from './delivery-outcome.js';
import { leaseKeeper } from './lease-keeper.js';
import { outcomeWriter } from './outcome-writer.js';

export interface DispatchOptions {
  /** This worker's lease owner id (unique per process or instance). */
  owner: string;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  retry: RetryPolicy;
  /** Only this advisory's deliveries (CLI, queue consumers). */
  advisoryId?: string;
  /**
   * Claim at most this many deliveries in this drain, then stop (a Workers invocation has a budget of
   * subrequests); unlimited when absent. Stop in time with `signal`: unsent claims are given back.
   */
  maxDeliveries?: number;
  signal?: AbortSignal;
  onProgress?: (stats: DispatchStats) => void;
}

export interface DispatchStats {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
}

export function dispatchOptions(deps: Deps, overrides: Partial<DispatchOptions> = {}): DispatchOptions {
  const c = deps.config;
  return {
    owner: `worker-${deps.random.id()}`,
    concurrency: c.DISPATCH_CONCURRENCY ?? c.SMTP_POOL_CONNECTIONS * 2,
    batchSize: c.DISPATCH_BATCH_SIZE,
    leaseMs: c.DISPATCH_LEASE_SECONDS * 1000,
    retry: { baseMs: c.DELIVERY_RETRY_BASE_SECONDS * 1000, maxMs: c.DELIVERY_RETRY_MAX_SECONDS * 1000 },
    ...overrides,
  };
}

/** Outcomes written together (one statement per write, see recordOutcomes). */
const FLUSH_EVERY = 100;

/** Counts a send's outcome: delivered, to be retried, or failed for good. */
export function countOutcome(stats: Omit<DispatchStats, 'claimed'>, update: DeliveryUpdate): void {
  if (update.status === 'delivered') stats.delivered++;
  else if (update.nextAttemptAt !== null) stats.retrying++;
  else stats.failed++;
}

/**
 * Sends every delivery that is due now, then returns. Deliveries waiting for a later retry are left. A
 * claim-ahead queue (claim-queue.ts) feeds `concurrency` senders; their outcomes are written in batches
 * (outcome-writer.ts); the lease keeper (lease-keeper.ts) knows what this drain holds and renews it. On
 * abort, what was claimed and not sent is given back at once.
 */
export async function drainDeliveries(deps: Deps, options: DispatchOptions): Promise<DispatchStats> {
  const { owner, leaseMs, signal } = options;
  const now = () => deps.clock.now().getTime();
  await expireOverdue(deps, now());

  const messages = deliveryMessages(deps);
  const leases = leaseKeeper({ leaseMs, now, renew: (ids) => renewLeases(deps, owner, ids, now(), leaseMs) });
  const queue = claimQueue({
    batchSize: options.batchSize,
    lowWater: options.concurrency,
    maxDeliveries: options.maxDeliveries,
    signal,
    leases,
    claim: (limit) => claimDeliveries(deps, owner, limit, leaseMs, now(), options.advisoryId),
    prepare: (fresh) => messages.prepare(fresh),
  });
  const sent = { delivered: 0, retrying: 0, failed: 0 };
  const stats = (): DispatchStats => ({ claimed: queue.claimed, ...sent });
  const outcomes = outcomeWriter({
    flushEvery: FLUSH_EVERY,
    leases,
    write: (items) => recordOutcomes(deps, owner, items),
    complete: (ids) => completeAdvisories(deps, ids, now()),
    onWritten: () => options.onProgress?.(stats()),
  });
  const giveBack = (unsent: ClaimedDelivery[]) =>
    releaseLeases(
      deps,
      owner,
      unsent.map((d) => d.id),
      now(),
    );

  // On stop, write what has been sent and give back what was claimed but not started, at once: a send in
  // flight may hang (a mail server that stopped answering) and the caller may not wait for it.
  let stopping: Promise<void> = Promise.resolve();
  const onAbort = () => {
    const unsent = queue.takeUnsent();
    stopping = outcomes
      .flush()
      .then(() => giveBack(unsent))
      .catch((err) => deps.log.error('could not give back leases on stop', { err }));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const sender = async () => {
    for (let d = await queue.next(); d; d = await queue.next()) {
      const result = await sendDelivery(deps, messages, d);
      const update = outcomeUpdate(result, d, now(), options.retry);
      countOutcome(sent, update);
      // Once stopping, each outcome is written at once: a send that never finishes must not hold up the others'.
      await outcomes.add(d, update, signal?.aborted);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, sender));
  signal?.removeEventListener('abort', onAbort);
  await stopping;
  await outcomes.flush();
  // A claim still under way when the signal came adds to the queue: wait for it, so its leases go back too.
  await queue.settle();
  if (signal?.aborted) await giveBack(queue.takeUnsent());
  await completeAdvisories(deps, 'all sending', now());
  return stats();
}

/** When the next retry falls due (ms), or null when nothing is waiting; of one advisory when given. */
export async function nextRetryAt(deps: Deps, advisoryId?: string): Promise<number | null> {
  const onlyOne = advisoryId ? sql`and d.advisory_id = ${advisoryId}` : sql``;
  const [row] = await deps.db.all<{ at: number | null }>(sql`
    select min(d.next_attempt_at) as at from deliveries d join advisories a on a.id = d.advisory_id
    where a.state = 'sending' and d.status in ('created', 'temporary-failure', 'technical-failure') and d.next_attempt_at is not null ${onlyOne}`);
  return row?.at == null ? null : Number(row.at);
}
