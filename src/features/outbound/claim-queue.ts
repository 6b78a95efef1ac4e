// The queue the senders take work from. It claims the next batch while the current one is being sent (as
// soon as fewer than `lowWater` are left), so the mailer's pool never waits for the database; it stops
// claiming when a claim comes back empty, when the budget is spent, when told to stop, or on abort.
import type { LeaseKeeper } from './lease-keeper.js';
import type { Work } from './work.js';

export interface ClaimQueue {
  /** The next item to send, or null when there is nothing more (or the drain is stopping). */
  next(): Promise<Work | null>;
  /** Items claimed so far (each counted once). */
  readonly claimed: number;
  /** Takes out what was claimed but not handed out yet (its leases are to be given back). */
  takeUnsent(): Work[];
  /** Waits for a claim under way, so what it claims is in the queue. */
  settle(): Promise<void>;
}

export function claimQueue(options: {
  batchSize: number;
  /** Claim more when fewer than this many are queued. */
  lowWater: number;
  /** Claim at most this many in all; unlimited when absent. */
  maxItems?: number;
  /** Checked before each claim: false stops claiming (the sender was paused). */
  mayClaim?: () => boolean;
  signal?: AbortSignal;
  leases: LeaseKeeper;
  /** Claims up to `limit` due items with this drain's lease. */
  claim: (limit: number) => Promise<Work[]>;
  /** Readies newly claimed items for sending before they are handed out. */
  prepare: (fresh: Work[]) => Promise<void>;
}): ClaimQueue {
  const queue: Work[] = [];
  let claiming: Promise<number> | null = null;
  let exhausted = false;
  let claimed = 0;

  function room(): number {
    return options.maxItems === undefined
      ? options.batchSize
      : Math.min(options.batchSize, options.maxItems - claimed);
  }

  function claimMore(): Promise<number> {
    if (claiming) return claiming;
    claiming = (async () => {
      const limit = room();
      if (limit <= 0 || options.mayClaim?.() === false) {
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
      for (const w of unsent) options.leases.drop(w.key);
      return unsent;
    },
    async settle() {
      if (claiming) await claiming.catch(() => 0);
    },
  };
}
