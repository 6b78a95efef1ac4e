// The queue the senders take deliveries from. It claims the next batch while the current one is being sent
// (as soon as fewer than `lowWater` are left), so the mailer's pool never waits for the database; it stops
// claiming when a claim comes back empty, when the budget of deliveries is spent, or on abort.
import type { ClaimedDelivery } from './claim.js';
import type { LeaseKeeper } from './lease-keeper.js';

export interface ClaimQueue {
  /** The next delivery to send, or null when there is nothing more (or the drain is stopping). */
  next(): Promise<ClaimedDelivery | null>;
  /** Deliveries claimed so far (each counted once). */
  readonly claimed: number;
  /** Takes out what was claimed but not handed out yet (its leases are to be given back). */
  takeUnsent(): ClaimedDelivery[];
  /** Waits for a claim under way, so what it claims is in the queue. */
  settle(): Promise<void>;
}

export function claimQueue(options: {
  batchSize: number;
  /** Claim more when fewer than this many are queued. */
  lowWater: number;
  /** Claim at most this many in all; unlimited when absent. */
  maxDeliveries?: number;
  signal?: AbortSignal;
  leases: LeaseKeeper;
  /** Claims up to `limit` due deliveries with this drain's lease. */
  claim: (limit: number) => Promise<ClaimedDelivery[]>;
  /** Readies newly claimed deliveries for sending before they are handed out. */
  prepare: (fresh: ClaimedDelivery[]) => Promise<void>;
}): ClaimQueue {
  const queue: ClaimedDelivery[] = [];
  let claiming: Promise<number> | null = null;
  let exhausted = false;
  let claimed = 0;

  function room(): number {
    return options.maxDeliveries === undefined
      ? options.batchSize
      : Math.min(options.batchSize, options.maxDeliveries - claimed);
  }

  function claimMore(): Promise<number> {
    if (claiming) return claiming;
    claiming = (async () => {
      const limit = room();
      if (limit <= 0) {
        exhausted = true;
        return 0;
      }
      const batch = await options.claim(limit);
      const fresh = options.leases.hold(batch);
      await options.prepare(fresh);
      claimed += fresh.length;
      queue.push(...fresh);
      if (batch.length === 0) exhausted = true;
      return batch.length;
    })().finally(() => {
      claiming = null;
    });
    return claiming;
  }

  return {
    async next() {
      while (true) {
        if (options.signal?.aborted) return null;
        const item = queue.shift();
        if (item) {
          if (queue.length < options.lowWater && !exhausted) void claimMore();
          return item;
        }
        if (exhausted && !claiming) return null;
        await claimMore();
      }
    },
    get claimed() {
      return claimed;
    },
    takeUnsent() {
      const unsent = queue.splice(0);
      for (const d of unsent) options.leases.drop(d.id);
      return unsent;
    },
    async settle() {
      if (claiming) await claiming.catch(() => 0);
    },
  };
}
