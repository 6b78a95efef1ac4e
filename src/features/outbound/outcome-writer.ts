// Each send's outcome is written before its sender takes the next item, so a crash can only resend what
// was on the connections at that moment. Writes are grouped (a group commit): the outcomes that arrive
// while one write is under way go together in the next, and a write waits up to `lingerMs` for the other
// senders' outcomes (never longer than it takes all of them to be waiting), so the cost per message of
// the database stays small. The leases
// are renewed in the same sequence when due, and sources are told to settle (e.g. mark advisories sent)
// at most every `settleEveryMs` and on `flush`.
import type { LeaseKeeper } from './lease-keeper.js';
import type { DeliveryUpdate } from './outcome.js';
import type { Work, WorkSource } from './work.js';

export interface OutcomeWriter {
  /** Writes one outcome (with any others waiting); resolves once it is written. */
  add(work: Work, update: DeliveryUpdate): Promise<void>;
  /** Waits for every write so far, then lets the sources settle what was written. */
  flush(): Promise<void>;
  /** Waits for every write so far (outcomes given to `add`), without settling. */
  idle(): Promise<void>;
  /** Outcomes written so far. */
  readonly written: number;
}

interface Pending {
  work: Work;
  update: DeliveryUpdate;
  done: () => void;
  failed: (err: unknown) => void;
}

export function outcomeWriter(options: {
  leases: LeaseKeeper;
  now: () => number;
  /** How often the sources settle while outcomes keep coming (ms). */
  settleEveryMs?: number;
  /** After each write (progress). */
  onWritten?: () => void;
  /** How many senders add outcomes: a write goes at once when all of them are waiting for it. */
  senders?: number;
  /** How long a write waits for more outcomes to join it (ms); 0 writes at once. */
  lingerMs?: number;
}): OutcomeWriter {
  const settleEvery = options.settleEveryMs ?? 1000;
  const senders = Math.max(1, options.senders ?? 1);
  const lingerMs = options.lingerMs ?? 0;
  // Resolved when every sender is waiting or the linger is over.
  let gathered: (() => void) | null = null;
  let pending: Pending[] = [];
  let writing: Promise<void> | null = null;
  let written = 0;
  // What each source wrote since it last settled.
  const unsettled = new Map<WorkSource, Work[]>();
  let settledAt = options.now();

  async function settle(): Promise<void> {
    settledAt = options.now();
    const bySource = [...unsettled.entries()];
    unsettled.clear();
    for (const [source, items] of bySource) await source.settle?.(items, settledAt);
  }

  async function writeGroup(group: Pending[]): Promise<void> {
    const renewal = options.leases.takeRenewal();
    if (renewal) await renewal();
    const bySource = new Map<WorkSource, Pending[]>();
    for (const p of group) {
      const list = bySource.get(p.work.source);
      if (list) list.push(p);
      else bySource.set(p.work.source, [p]);
    }
    for (const [source, items] of bySource) {
      await source.record(items.map(({ work, update }) => ({ work, update })));
      const done = unsettled.get(source) ?? [];
      for (const { work } of items) {
        options.leases.drop(work.key);
        done.push(work);
      }
      unsettled.set(source, done);
    }
    written += group.length;
    if (options.now() - settledAt >= settleEvery) await settle();
    options.onWritten?.();
  }

  function gather(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        gathered = null;
        resolve();
      }, lingerMs);
      gathered = () => {
        clearTimeout(timer);
        gathered = null;
        resolve();
      };
    });
  }

  async function drain(): Promise<void> {
    while (pending.length > 0) {
      if (lingerMs > 0 && pending.length < senders) await gather();
      const group = pending;
      pending = [];
      try {
        await writeGroup(group);
        for (const p of group) p.done();
      } catch (err) {
        for (const p of group) p.failed(err);
      }
    }
    writing = null;
  }

  return {
    add(work, update) {
      return new Promise<void>((done, failed) => {
        pending.push({ work, update, done, failed });
        if (gathered && pending.length >= senders) gathered();
        writing ??= drain();
      });
    },
    async flush() {
      while (writing) await writing;
      await settle();
    },
    async idle() {
      while (writing) await writing;
    },
    get written() {
      return written;
    },
  };
}
