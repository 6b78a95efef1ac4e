// The fan-out engine: claims due deliveries in batches, sends them through the mailer with bounded
// concurrency (the mailer's pool sets connections and rate), and writes outcomes back in batches.
// Claiming the next batch overlaps with sending the current one, so the pool never runs dry.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { advisories, authorities, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { OutgoingMessage, SendResult } from '../../ports/mailer.js';
import {
  type ClaimedDelivery,
  claimDeliveries,
  completeAdvisories,
  expireOverdue,
  releaseLeases,
} from './claim.js';
import { type DeliveryUpdate, outcomeUpdate, type RetryPolicy } from './delivery-outcome.js';
import { type DeliveryForMessage, prepareAdvisoryMessages } from './message.js';

export interface DispatchOptions {
  /** This worker's lease owner id (unique per process or instance). */
  owner: string;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  retry: RetryPolicy;
  /** Only this advisory's deliveries (CLI, queue consumers). */
  advisoryId?: string;
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
  const builders = new Map<string, Promise<((d: DeliveryForMessage) => Promise<OutgoingMessage>) | null>>();
  const authorityNames = new Map<string, string>();
  const pending: Array<{ delivery: ClaimedDelivery; update: DeliveryUpdate }> = [];
  const touched = new Set<string>();
  let claiming: Promise<number> | null = null;
  let exhausted = false;
  let flushing: Promise<void> = Promise.resolve();
  const now = () => deps.clock.now().getTime();

  await expireOverdue(deps, now());

  function claimMore(): Promise<number> {
    if (claiming) return claiming;
    claiming = (async () => {
      const claimed = await claimDeliveries(
        deps,
        options.owner,
        options.batchSize,
        options.leaseMs,
        now(),
        options.advisoryId,
      );
      await loadAuthorityNames(claimed);
      stats.claimed += claimed.length;
      queue.push(...claimed);
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
    for (let i = 0; i < missing.length; i += 90) {
      const rows = await deps.db
        .select({ code: authorities.code, name: authorities.name })
        .from(authorities)
        .where(inArray(authorities.code, missing.slice(i, i + 90)));
      for (const r of rows) authorityNames.set(r.code, r.name);
    }
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
    if (items.length === 0) return flushing;
    flushing = flushing.then(async () => {
      const statements: BatchItem[] = items.map(({ delivery, update }) =>
        deps.db
          .update(deliveries)
          .set({
            status: update.status,
            nextAttemptAt: update.nextAttemptAt,
            lastReply: update.lastReply,
            lastCode: update.lastCode,
            ...(update.deliveredAt ? { deliveredAt: update.deliveredAt } : {}),
            ...(update.failedAt ? { failedAt: update.failedAt } : {}),
            leaseOwner: null,
            leaseExpiresAt: null,
          })
          .where(
            and(
              eq(deliveries.id, delivery.id),
              eq(deliveries.leaseOwner, options.owner),
              eq(deliveries.status, 'sending'),
            ),
          ),
      );
      await deps.db.batch(statements as [BatchItem, ...BatchItem[]]);
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
    if (pending.length >= FLUSH_EVERY) await flush();
  }

  const workers = Array.from({ length: Math.max(1, options.concurrency) }, async () => {
    for (let d = await next(); d; d = await next()) await deliver(d);
  });
  await Promise.all(workers);
  await flush();
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

/** When the next retry falls due (ms), or null when nothing is waiting. */
export async function nextRetryAt(deps: Deps): Promise<number | null> {
  const [row] = await deps.db.all<{ at: number | null }>(sql`
    select min(d.next_attempt_at) as at from deliveries d join advisories a on a.id = d.advisory_id
    where a.state = 'sending' and d.status in ('created', 'temporary-failure', 'technical-failure') and d.next_attempt_at is not null`);
  return row?.at == null ? null : Number(row.at);
}
