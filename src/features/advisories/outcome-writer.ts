// Send outcomes are written back in batches, one write after another: a batch when `flushEvery` are waiting,
// when the leases are due for renewal (renewed first), and each at once when the drain is stopping. A written
// outcome ends its lease, and the advisories it belongs to are marked sent once all their deliveries are final.
import type { ClaimedDelivery } from './claim.js';
import type { DeliveryUpdate } from './delivery-outcome.js';
import type { LeaseKeeper } from './lease-keeper.js';

export interface OutcomeWriter {
  /** Keeps one outcome, and writes what is waiting when it is time (or at once when `now` is set). */
  add(delivery: ClaimedDelivery, update: DeliveryUpdate, now?: boolean): Promise<void>;
  /** Writes what is waiting (renewing the leases first when due); resolves when every write so far is done. */
  flush(): Promise<void>;
}

export function outcomeWriter(options: {
  flushEvery: number;
  leases: LeaseKeeper;
  /** Writes outcomes of deliveries this drain holds. */
  write: (outcomes: Array<{ id: string; update: DeliveryUpdate }>) => Promise<void>;
  /** Marks these advisories sent where every delivery is final. */
  complete: (advisoryIds: string[]) => Promise<void>;
  /** After each batch is written (progress). */
  onWritten?: () => void;
}): OutcomeWriter {
  const pending: Array<{ delivery: ClaimedDelivery; update: DeliveryUpdate }> = [];
  const touched = new Set<string>();
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    const items = pending.splice(0);
    const renewal = options.leases.takeRenewal();
    if (items.length === 0 && !renewal) return writing;
    writing = writing.then(async () => {
      if (renewal) await renewal();
      if (items.length === 0) return;
      await options.write(items.map(({ delivery, update }) => ({ id: delivery.id, update })));
      for (const { delivery } of items) options.leases.drop(delivery.id);
      await options.complete([...touched]);
      options.onWritten?.();
    });
    return writing;
  }

  return {
    async add(delivery, update, now = false) {
      pending.push({ delivery, update });
      touched.add(delivery.advisoryId);
      if (pending.length >= options.flushEvery || options.leases.due() || now) await flush();
    },
    flush,
  };
}
