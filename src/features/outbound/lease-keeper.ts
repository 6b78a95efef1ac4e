// The leases one drain holds: every item it claimed and has not written back yet. They are renewed every
// third of a lease by a heartbeat, so a slow send never lets them run out while this worker lives, and a
// dead worker's run out soon; an item whose lease ran out anyway and that comes back in a claim is
// recognised and not sent a second time.
import type { Work } from './work.js';

export interface LeaseKeeper {
  /** Takes newly claimed items into its care: those it already holds are left out of the answer. */
  hold(claimed: readonly Work[]): Work[];
  /** Forgets an item (by key): its outcome was written, or its lease given back. */
  drop(key: string): void;
  /** Whether the leases are due for renewal. */
  due(): boolean;
  /**
   * When renewal is due: counts it as done now and returns the renewal to run (with the items held when it
   * runs, so it can wait its turn behind other writes); null otherwise.
   */
  takeRenewal(): (() => Promise<void>) | null;
}

export function leaseKeeper(options: {
  leaseMs: number;
  now: () => number;
  /** Extends the leases of these items. */
  renew: (held: Work[]) => Promise<void>;
}): LeaseKeeper {
  const held = new Map<string, Work>();
  const every = options.leaseMs / 3;
  let renewedAt = options.now();
  const due = () => options.now() - renewedAt >= every;
  return {
    hold(claimed) {
      const fresh = claimed.filter((w) => !held.has(w.key));
      for (const w of fresh) held.set(w.key, w);
      return fresh;
    },
    drop: (key) => {
      held.delete(key);
    },
    due,
    takeRenewal() {
      if (!due()) return null;
      renewedAt = options.now();
      return held.size === 0 ? null : () => options.renew([...held.values()]);
    },
  };
}
