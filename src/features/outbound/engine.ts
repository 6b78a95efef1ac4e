// The outbound queue's engine: one drain over every source of mail in lane order (links first, advisory
// deliveries next, bulk last), with one rate limit, leases kept alive by a heartbeat, and each outcome
// written before its sender takes the next item (so a crash resends at most what was on the connections).
// A failure of our own (the adapter's technical failure, or one reply for most recipients) pauses all
// sending: what was claimed and not sent is given back, outcomes recorded as the recipients' that were
// ours are made retryable again, and the admins are told. While paused, a drain is a probe of one message.
import type { Deps } from '../../deps.js';
import { systemPrincipal } from '../../domain/principal.js';
import { claimQueue } from './claim-queue.js';
import { failureTally } from './failure-tally.js';
import { leaseKeeper } from './lease-keeper.js';
import { type DeliveryUpdate, outcomeUpdate, type RetryPolicy } from './outcome.js';
import { outcomeWriter } from './outcome-writer.js';
import { sendRate } from './send-rate.js';
import { faultWatch, NOT_BUILT, type SenderFault } from './sender-fault.js';
import { pauseSending, probeDue, probeFailed, resumeSending, senderState } from './sender-state.js';
import type { Work, WorkSource } from './work.js';

/**
 * How long an outcome write waits for the other senders' outcomes to join it (ms): a few outcomes per
 * statement instead of one, for a wait far shorter than a send.
 */
const OUTCOME_LINGER_MS = 2;

export interface DrainOptions {
  /** This worker's lease owner id (unique per process or instance). */
  owner: string;
  /** Senders at once: one per connection, so each connection carries at most one unrecorded message. */
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  retry: RetryPolicy;
  /** One limit for all mail (messages a second); 0 is unlimited. */
  ratePerSecond: number;
  /** Claim at most this many items in this drain (a Workers invocation's budget); unlimited when absent. */
  maxItems?: number;
  signal?: AbortSignal;
  onProgress?: (stats: DrainStats) => void;
}

export interface DrainStats {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
  /** Claimed after another worker's lease ran out: possibly sent twice (with the same Message-ID). */
  resent: number;
  /** Sending is paused (a failure of our own): nothing more is sent until a probe goes through. */
  paused: boolean;
}

/** Counts a send's outcome: delivered, to be retried, or failed for good. */
export function countOutcome(
  stats: Pick<DrainStats, 'delivered' | 'retrying' | 'failed'>,
  update: DeliveryUpdate,
): void {
  if (update.status === 'delivered') stats.delivered++;
  else if (update.nextAttemptAt !== null) stats.retrying++;
  else stats.failed++;
}

export async function drainOutbound(
  deps: Deps,
  sources: readonly WorkSource[],
  options: DrainOptions,
): Promise<DrainStats> {
  const { leaseMs, signal } = options;
  const now = () => deps.clock.now().getTime();
  const stats: DrainStats = { claimed: 0, delivered: 0, retrying: 0, failed: 0, resent: 0, paused: false };

  const sender = await senderState(deps);
  const probing = sender.state === 'paused';
  if (probing && !probeDue(sender, deps.clock.now())) return { ...stats, paused: true };
  for (const source of sources) await source.expire?.(now());

  let stopClaiming = false;
  const leases = leaseKeeper({
    leaseMs,
    now,
    renew: async (held) => {
      for (const source of sources) {
        const ids = held.filter((w) => w.source === source).map((w) => w.id);
        if (ids.length) await source.renew(ids, now());
      }
    },
  });
  const queue = claimQueue({
    batchSize: probing ? 1 : options.batchSize,
    lowWater: options.concurrency,
    maxItems: probing ? 1 : options.maxItems,
    signal,
    leases,
    mayClaim: () => !stopClaiming,
    claim: async (limit) => {
      const claimed: Work[] = [];
      for (const source of sources) {
        if (claimed.length >= limit) break;
        claimed.push(...(await source.claim(limit - claimed.length, now())));
      }
      return claimed;
    },
    prepare: async (fresh) => {
      stats.resent += fresh.filter((w) => w.resend).length;
      for (const source of sources) {
        const mine = fresh.filter((w) => w.source === source);
        if (mine.length) await source.prepare(mine);
      }
    },
  });
  const writer = outcomeWriter({
    leases,
    now,
    onWritten: () => options.onProgress?.(snapshot()),
    senders: Math.max(1, options.concurrency),
    lingerMs: OUTCOME_LINGER_MS,
  });
  const snapshot = (): DrainStats => ({ ...stats, claimed: queue.claimed });
  const giveBack = async (unsent: Work[]) => {
    for (const source of sources) {
      const ids = unsent.filter((w) => w.source === source).map((w) => w.id);
      if (ids.length) await source.release(ids, now());
    }
  };

  // The heartbeat: leases stay alive while a send hangs, and end soon after this worker dies.
  const heartbeat = setInterval(
    () => {
      const renewal = leases.takeRenewal();
      renewal?.().catch((err) => deps.log.error('could not renew leases', { err }));
    },
    Math.max(50, leaseMs / 3),
  );
  (heartbeat as { unref?: () => void }).unref?.();

  // On abort, give back at once what was claimed and not started: a send in flight may hang.
  let stopping: Promise<void> = Promise.resolve();
  const onAbort = () => {
    const unsent = queue.takeUnsent();
    stopping = writer
      .flush()
      .then(() => giveBack(unsent))
      .catch((err) => deps.log.error('could not give back leases on stop', { err }));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  const faults = faultWatch();
  const failures = failureTally(deps);
  const recent = new Map<string, Work>();
  let fault: SenderFault | null = null;
  const rate = sendRate(options.ratePerSecond);

  const onFault = async (found: SenderFault, sameFailure: string[]) => {
    if (!fault) {
      fault = found;
      stopClaiming = true;
      stats.paused = true;
      await giveBack(queue.takeUnsent());
      // At once, so other workers stop too (a probe's failure only moves the next probe, below).
      if (!probing) await pauseSending(deps, found);
      // What comes next (a probe, a resume) goes over fresh connections: a relay fixed meanwhile applies its
      // new settings only to new ones (Postfix's reload), and a kept connection would refuse us again.
      deps.mailer.reconnect?.();
    }
    // Outcomes written as the recipients' that were ours: retryable again (once those still being
    // written are written, or they would land after this and stay the recipients').
    await writer.idle();
    for (const source of sources) {
      const ids = sameFailure.flatMap((k) => {
        const w = recent.get(k);
        return w && w.source === source ? [w.id] : [];
      });
      if (ids.length) await source.reconsider(ids, now());
    }
  };

  const senderLoop = async () => {
    for (let w = await queue.next(); w; w = await queue.next()) {
      await rate.turn();
      const result = await w.source.send(w);
      failures.observe(result);
      const seen = faults.observe(w.key, result);
      if (seen) await onFault(seen.fault, seen.sameFailure);
      let update = outcomeUpdate(result, w, now(), options.retry);
      // Once sending is known to fail for a reason of ours, no failure in this drain is the recipient's:
      // each is kept retryable, whatever the reply said.
      if (fault && update.status !== 'delivered' && result.command !== NOT_BUILT && w.deadlineAt > now())
        update = {
          ...update,
          status: 'technical-failure',
          nextAttemptAt: now() + options.retry.baseMs,
          failedAt: null,
        };
      recent.set(w.key, w);
      if (recent.size > 64) recent.delete(recent.keys().next().value as string);
      countOutcome(stats, update);
      await writer.add(w, update);
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, senderLoop));
  } finally {
    clearInterval(heartbeat);
    signal?.removeEventListener('abort', onAbort);
  }
  await stopping;
  await writer.flush();
  await failures.flush();
  // A claim still under way when the signal came adds to the queue: wait for it, so its leases go back too.
  await queue.settle();
  if (signal?.aborted || stopClaiming) await giveBack(queue.takeUnsent());

  const found = fault as SenderFault | null;
  if (probing && found) await probeFailed(deps, found.reason);
  else if (probing && queue.claimed > 0) {
    // The mail server took the probe (or refused only that recipient): our sending works again.
    await resumeSending(deps, { principal: systemPrincipal }, 'a probe message went through');
    return snapshot();
  }
  return { ...snapshot(), paused: stats.paused || probing };
}
