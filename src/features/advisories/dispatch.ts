// The fan-out engine: claims due deliveries in batches, sends them through the mailer with bounded
// concurrency (the mailer's pool sets connections and rate), and writes outcomes back in batches.
// Claiming the next batch overlaps with sending the current one, so the pool never runs dry.

import { eq, sql } from 'drizzle-orm';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { SendResult } from '../../ports/mailer.js';
import { authorityNames as authorityNamesOf } from '../authority-register/get-authority.js';
import {
  type ClaimedDelivery,
  claimDeliveries,
  completeAdvisories,
  expireOverdue,
  releaseLeases,
  renewLeases,
} from './claim.js';
import { type DeliveryUpdate, outcomeUpdate, type RetryPolicy, recordOutcomes } from './delivery-outcome.js';
import { type AdvisoryMessageBuilder, prepareAdvisoryMessages } from './message.js';

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

const FLUSH_EVERY = 100;

/** Sends every delivery that is due now, then returns. Deliveries waiting for a later retry are left. */
export async function drainDeliveries(deps: Deps, options: DispatchOptions): Promise<DispatchStats> {
  const stats: DispatchStats = { claimed: 0, delivered: 0, retrying: 0, failed: 0 };
  const queue: ClaimedDelivery[] = [];
  const builders = new Map<string, Promise<AdvisoryMessageBuilder | null>>();
  const authorityNames = new Map<string, string>();
  const pending: Array<{ delivery: ClaimedDelivery; update: DeliveryUpdate }> = [];
  const touched = new Set<string>();
  // Claimed by this drain and not yet written back. Their leases are renewed every third of a lease, so a
  // slow send never lets them run out; one that ran out anyway and comes back in a claim is not sent again.
  const held = new Set<string>();
  const renewEvery = options.leaseMs / 3;
  let claiming: Promise<number> | null = null;
  let exhausted = false;
  let flushing: Promise<void> = Promise.resolve();
  const now = () => deps.clock.now().getTime();
  let renewedAt = now();

  await expireOverdue(deps, now());

  function claimMore(): Promise<number> {
    if (claiming) return claiming;
    claiming = (async () => {
      const room =
        options.maxDeliveries === undefined
          ? options.batchSize
          : Math.min(options.batchSize, options.maxDeliveries - stats.claimed);
      if (room <= 0) {
        exhausted = true;
        return 0;
      }
      const claimed = await claimDeliveries(
        deps,
        options.owner,
        room,
        options.leaseMs,
        now(),
        options.advisoryId,
      );
      const fresh = claimed.filter((d) => !held.has(d.id));
      for (const d of fresh) held.add(d.id);
      await loadAuthorityNames(fresh);
      signAhead(fresh);
      stats.claimed += fresh.length;
      queue.push(...fresh);
      if (claimed.length === 0) exhausted = true;
      return claimed.length;
    })().finally(() => {
      claiming = null;
    });
    return claiming;
  }

  async function loadAuthorityNames(claimed: ClaimedDelivery[]) {
    const missing = [
      ...new Set(
        claimed.map((d) => d.authorityCode).filter((c): c is string => !!c && !authorityNames.has(c)),
      ),
    ];
    for (const [code, name] of await authorityNamesOf(deps, missing)) authorityNames.set(code, name);
  }

  /** Signs a claimed batch's acknowledgement links together (see AdvisoryMessageBuilder.signAhead). */
  function signAhead(claimed: ClaimedDelivery[]) {
    const byAdvisory = new Map<string, string[]>();
    for (const d of claimed) {
      const ids = byAdvisory.get(d.advisoryId);
      if (ids) ids.push(d.id);
      else byAdvisory.set(d.advisoryId, [d.id]);
    }
    for (const [advisoryId, ids] of byAdvisory)
      builderFor(advisoryId).then(
        (build) => build?.signAhead(ids),
        () => {}, // deliver() reports a builder that failed
      );
  }

  async function next(): Promise<ClaimedDelivery | null> {
    while (true) {
      if (options.signal?.aborted) return null;
      const item = queue.shift();
      if (item) {
        if (queue.length < options.concurrency && !exhausted) void claimMore();
        return item;
      }
      if (exhausted && !claiming) return null;
      await claimMore();
    }
  }

  function builderFor(advisoryId: string) {
    const cached = builders.get(advisoryId);
    if (cached) return cached;
    const builder = deps.db.query.advisories
      .findFirst({ where: eq(advisories.id, advisoryId) })
      .then((a) => (a ? prepareAdvisoryMessages(deps, a) : null));
    builders.set(advisoryId, builder);
    return builder;
  }

  function flush(): Promise<void> {
    const items = pending.splice(0);
    const renew = now() - renewedAt >= renewEvery;
    if (items.length === 0 && !renew) return flushing;
    if (renew) renewedAt = now();
    flushing = flushing.then(async () => {
      if (renew) await renewLeases(deps, options.owner, [...held], now(), options.leaseMs);
      if (items.length === 0) return;
      await recordOutcomes(
        deps,
        options.owner,
        items.map(({ delivery, update }) => ({ id: delivery.id, update })),
      );
      for (const { delivery } of items) held.delete(delivery.id);
      await completeAdvisories(deps, [...touched], now());
      options.onProgress?.({ ...stats });
    });
    return flushing;
  }

  async function deliver(delivery: ClaimedDelivery) {
    let result: SendResult;
    try {
      const build = await builderFor(delivery.advisoryId);
      if (!build) throw new Error(`advisory ${delivery.advisoryId} not found`);
      const message = await build({
        ...delivery,
        authorityName: delivery.authorityCode
          ? (authorityNames.get(delivery.authorityCode) ?? delivery.authorityCode)
          : null,
      });
      result = await deps.mailer.send(message);
    } catch (err) {
      deps.log.error('delivery failed before reaching the mail server', { deliveryId: delivery.id, err });
      result = { status: 'technical-failure', messageId: '', reply: `not sent: ${(err as Error).message}` };
    }
    const update = outcomeUpdate(result, delivery, now(), options.retry);
    if (update.status === 'delivered') stats.delivered++;
    else if (update.nextAttemptAt !== null) stats.retrying++;
    else stats.failed++;
    pending.push({ delivery, update });
    touched.add(delivery.advisoryId);
    // Once stopping, each outcome is written at once: a send that never finishes must not hold up the others'.
    if (pending.length >= FLUSH_EVERY || now() - renewedAt >= renewEvery || options.signal?.aborted)
      await flush();
  }

  // On stop, write what has been sent and give back what was claimed but not started, at once: a send in
  // flight may hang (a mail server that stopped answering) and the caller may not wait for it.
  let stopping: Promise<void> = Promise.resolve();
  const onAbort = () => {
    const unsent = queue.splice(0);
    for (const d of unsent) held.delete(d.id);
    stopping = flush()
      .then(() =>
        releaseLeases(
          deps,
          options.owner,
          unsent.map((d) => d.id),
          now(),
        ),
      )
      .catch((err) => deps.log.error('could not give back leases on stop', { err }));
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, async () => {
    for (let d = await next(); d; d = await next()) await deliver(d);
  });
  await Promise.all(workers);
  options.signal?.removeEventListener('abort', onAbort);
  await stopping;
  await flush();
  // A claim still under way when the signal came adds to the queue: wait for it, so its leases go back too.
  if (claiming) await (claiming as Promise<number>).catch(() => 0);
  if (options.signal?.aborted && queue.length) {
    await releaseLeases(
      deps,
      options.owner,
      queue.splice(0).map((d) => d.id),
      now(),
    );
  }
  const sending = await deps.db
    .select({ id: advisories.id })
    .from(advisories)
    .where(eq(advisories.state, 'sending'));
  await completeAdvisories(
    deps,
    sending.map((a) => a.id),
    now(),
  );
  return stats;
}

/** When the next retry falls due (ms), or null when nothing is waiting; of one advisory when given. */
export async function nextRetryAt(deps: Deps, advisoryId?: string): Promise<number | null> {
  const onlyOne = advisoryId ? sql`and d.advisory_id = ${advisoryId}` : sql``;
  const [row] = await deps.db.all<{ at: number | null }>(sql`
    select min(d.next_attempt_at) as at from deliveries d join advisories a on a.id = d.advisory_id
    where a.state = 'sending' and d.status in ('created', 'temporary-failure', 'technical-failure') and d.next_attempt_at is not null ${onlyOne}`);
  return row?.at == null ? null : Number(row.at);
}
