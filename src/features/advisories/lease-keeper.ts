// The leases one drain holds: every delivery it claimed and has not written back yet. They are renewed every
// third of a lease, so a slow send never lets them run out; a delivery whose lease ran out anyway and that
// comes back in a claim is recognised and not sent a second time.
import type { ClaimedDelivery } from './claim.js';

export interface LeaseKeeper {
  /** Takes newly claimed deliveries into its care: those it already holds are left out of the answer. */
  hold(claimed: readonly ClaimedDelivery[]): ClaimedDelivery[];
  /** Forgets a delivery: its outcome was written, or its lease given back. */
  drop(id: string): void;
  /** Whether the leases are due for renewal. */
  due(): boolean;
  /**
   * When renewal is due: counts it as done now and returns the renewal to run (with the deliveries held
   * when it runs, so it can wait its turn behind other writes); null otherwise.
   */
  takeRenewal(): (() => Promise<void>) | null;
}

export function leaseKeeper(options: {
  leaseMs: number;
  now: () => number;
  /** Extends the leases of these deliveries. */
  renew: (ids: string[]) => Promise<void>;
}): LeaseKeeper {
  const held = new Set<string>();
  const every = options.leaseMs / 3;
  let renewedAt = options.now();
  const due = () => options.now() - renewedAt >= every;
  return {
    hold(claimed) {
      const fresh = claimed.filter((d) => !held.has(d.id));
      for (const d of fresh) held.add(d.id);
      return fresh;
    },
    drop: (id) => {
      held.delete(id);
    },
    due,
    takeRenewal() {
      if (!due()) return null;
      renewedAt = options.now();
      return () => options.renew([...held]);
    },
  };
}
