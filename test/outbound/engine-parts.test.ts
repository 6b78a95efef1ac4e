// The outbound engine's parts, each alone with fakes in place of the database: the claim-ahead queue, the
// lease keeper, the outcome writer (a group commit), the rate, and the watch for failures of our own
// (drainOutbound wires them together; fanout.test.ts and queue.test.ts run the whole).
import { describe, expect, it } from 'vitest';
import { claimQueue } from '../../src/features/outbound/claim-queue.js';
import { countOutcome } from '../../src/features/outbound/engine.js';
import { leaseKeeper } from '../../src/features/outbound/lease-keeper.js';
import type { DeliveryUpdate } from '../../src/features/outbound/outcome.js';
import { outcomeWriter } from '../../src/features/outbound/outcome-writer.js';
import { sendRate } from '../../src/features/outbound/send-rate.js';
import { faultWatch, NOT_BUILT, replyShape } from '../../src/features/outbound/sender-fault.js';
import type { Work, WorkSource } from '../../src/features/outbound/work.js';
import type { SendResult } from '../../src/ports/mailer.js';

/** A source that records what the writer and lease keeper do with it. */
function fakeSource(name = 'src', log: string[] = []): WorkSource & { log: string[] } {
  return {
    name,
    lane: 'advisories',
    log,
    claim: async () => [],
    prepare: async () => {},
    send: async () => ({ status: 'delivered', messageId: '', reply: '250' }),
    record: async (items) => void log.push(`write ${items.map((i) => i.work.id).join(',')}`),
    settle: async (items) => void log.push(`settle ${items.map((w) => w.id).join(',')}`),
    renew: async (ids) => void log.push(`renew ${ids.join(',')}`),
    release: async (ids) => void log.push(`release ${ids.join(',')}`),
    reconsider: async () => {},
    heldElsewhere: async () => ({ count: 0, until: null }),
  };
}

const source = fakeSource();
const work = (id: string, from: WorkSource = source): Work => ({
  key: `${from.name}:${id}`,
  id,
  source: from,
  attempts: 1,
  deadlineAt: 1e12,
  resend: false,
});

const delivered: DeliveryUpdate = {
  status: 'delivered',
  nextAttemptAt: null,
  lastReply: '250 ok',
  lastCode: 250,
  deliveredAt: 0,
  failedAt: null,
};

/** A clock the test moves by hand. */
function handClock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

/** A queue of due items `d0`, `d1`, … that `claim` takes from, recording each claim's limit. */
function dueItems(count: number) {
  const due = Array.from({ length: count }, (_, i) => work(`d${i}`));
  const limits: number[] = [];
  const claim = async (limit: number) => {
    limits.push(limit);
    return due.splice(0, limit);
  };
  return { due, claim, limits };
}

async function drainAll(queue: { next(): Promise<Work | null> }) {
  const ids: string[] = [];
  for (let d = await queue.next(); d; d = await queue.next()) ids.push(d.id);
  return ids;
}

describe('the lease keeper', () => {
  it('holds each item once: one that comes back in a claim is left out', () => {
    const leases = leaseKeeper({ leaseMs: 300, now: () => 0, renew: async () => {} });
    expect(leases.hold([work('a'), work('b')]).map((d) => d.id)).toEqual(['a', 'b']);
    expect(leases.hold([work('b'), work('c')]).map((d) => d.id)).toEqual(['c']);
    leases.drop(work('b').key);
    expect(leases.hold([work('b')]).map((d) => d.id)).toEqual(['b']);
  });

  it('tells items of different sources apart, even with the same id', () => {
    const leases = leaseKeeper({ leaseMs: 300, now: () => 0, renew: async () => {} });
    const other = fakeSource('other');
    expect(leases.hold([work('a'), work('a', other)])).toHaveLength(2);
  });

  it('is due every third of a lease, and renews what it holds when the renewal runs', async () => {
    const clock = handClock();
    const renewed: string[][] = [];
    const leases = leaseKeeper({
      leaseMs: 300,
      now: clock.now,
      renew: async (held) => void renewed.push(held.map((w) => w.id)),
    });
    leases.hold([work('a'), work('b')]);
    clock.advance(99);
    expect(leases.due()).toBe(false);
    expect(leases.takeRenewal()).toBeNull();
    clock.advance(1);
    expect(leases.due()).toBe(true);
    const renewal = leases.takeRenewal();
    expect(leases.due()).toBe(false);
    leases.drop(work('a').key);
    await renewal?.();
    expect(renewed).toEqual([['b']]);
  });
});

describe('the claim-ahead queue', () => {
  const quiet = () => leaseKeeper({ leaseMs: 60_000, now: () => 0, renew: async () => {} });

  it('hands out every due item once, claiming the next batch before the queue runs dry', async () => {
    const { claim, limits } = dueItems(10);
    const prepared: string[][] = [];
    const queue = claimQueue({
      batchSize: 4,
      lowWater: 2,
      leases: quiet(),
      claim,
      prepare: async (fresh) => void prepared.push(fresh.map((d) => d.id)),
    });
    const first = await queue.next();
    expect(first?.id).toBe('d0');
    expect(limits).toEqual([4]);
    await queue.next(); // d1: two left, not below the low water mark
    await queue.next(); // d2: one left, so the next claim starts
    expect(limits).toEqual([4, 4]);
    expect(await drainAll(queue)).toEqual(['d3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9']);
    expect(prepared).toEqual([['d0', 'd1', 'd2', 'd3'], ['d4', 'd5', 'd6', 'd7'], ['d8', 'd9'], []]);
    expect(queue.claimed).toBe(10);
  });

  it('claims no more than the budget', async () => {
    const { claim, limits } = dueItems(10);
    const queue = claimQueue({
      batchSize: 4,
      lowWater: 1,
      maxItems: 6,
      leases: quiet(),
      claim,
      prepare: async () => {},
    });
    expect(await drainAll(queue)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
    expect(limits).toEqual([4, 2]);
    expect(queue.claimed).toBe(6);
  });

  it('stops claiming when told to (the sender was paused)', async () => {
    const { claim, limits } = dueItems(10);
    let may = true;
    const queue = claimQueue({
      batchSize: 3,
      lowWater: 0,
      leases: quiet(),
      mayClaim: () => may,
      claim,
      prepare: async () => {},
    });
    expect((await queue.next())?.id).toBe('d0');
    may = false;
    expect(await drainAll(queue)).toEqual(['d1', 'd2']);
    expect(limits).toEqual([3]);
  });

  it('does not hand out an item it already holds when its lease ran out and it is claimed again', async () => {
    const a = work('a');
    const batches = [[a, work('b')], [a, work('c')], []];
    const queue = claimQueue({
      batchSize: 2,
      lowWater: 0,
      leases: quiet(),
      claim: async () => batches.shift() ?? [],
      prepare: async () => {},
    });
    expect(await drainAll(queue)).toEqual(['a', 'b', 'c']);
    expect(queue.claimed).toBe(3);
  });

  it('stops handing out on abort, and gives up what it holds unsent', async () => {
    const { claim } = dueItems(10);
    const controller = new AbortController();
    const leases = quiet();
    const queue = claimQueue({
      batchSize: 4,
      lowWater: 0,
      signal: controller.signal,
      leases,
      claim,
      prepare: async () => {},
    });
    expect((await queue.next())?.id).toBe('d0');
    controller.abort();
    expect(await queue.next()).toBeNull();
    await queue.settle();
    expect(queue.takeUnsent().map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
    // No longer held: claimed again later, they are handed out.
    expect(leases.hold([work('d1')])).toHaveLength(1);
  });
});

describe('the outcome writer', () => {
  function writer(clock = handClock(), group: { senders?: number; lingerMs?: number } = {}) {
    const log: string[] = [];
    const src = fakeSource('src', log);
    const leases = leaseKeeper({
      leaseMs: 300,
      now: clock.now,
      renew: async (held) => void log.push(`renew ${held.map((w) => w.id).join(',')}`),
    });
    const outcomes = outcomeWriter({
      leases,
      now: clock.now,
      settleEveryMs: 1000,
      onWritten: () => log.push('progress'),
      ...group,
    });
    return { log, leases, outcomes, clock, w: (id: string) => work(id, src) };
  }

  it('waits a little for the other senders, and writes at once when all of them are waiting', async () => {
    const { log, outcomes, w } = writer(handClock(), { senders: 3, lingerMs: 10_000 });
    // all three senders finish: one write, without waiting out the linger
    await Promise.all([
      outcomes.add(w('a'), delivered),
      outcomes.add(w('b'), delivered),
      outcomes.add(w('c'), delivered),
    ]);
    expect(log).toEqual(['write a,b,c', 'progress']);
  });

  it('writes what it has once the linger is over, when the other senders are still sending', async () => {
    const { log, outcomes, w } = writer(handClock(), { senders: 3, lingerMs: 20 });
    const started = performance.now();
    await Promise.all([outcomes.add(w('a'), delivered), outcomes.add(w('b'), delivered)]);
    expect(log).toEqual(['write a,b', 'progress']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('writes each outcome before its sender goes on, grouping those that arrive during a write', async () => {
    const { log, outcomes, w } = writer();
    await outcomes.add(w('a'), delivered);
    expect(log).toEqual(['write a', 'progress']);
    // Three senders finish while nothing is being written: the first write takes one, the next the others.
    await Promise.all([
      outcomes.add(w('b'), delivered),
      outcomes.add(w('c'), delivered),
      outcomes.add(w('d'), delivered),
    ]);
    expect(log.slice(2)).toEqual(['write b', 'progress', 'write c,d', 'progress']);
    expect(outcomes.written).toBe(4);
  });

  it('lets the sources settle what was written at most every second, and on flush', async () => {
    const { log, outcomes, clock, w } = writer();
    await outcomes.add(w('a'), delivered);
    clock.advance(1000);
    await outcomes.add(w('b'), delivered);
    expect(log).toEqual(['write a', 'progress', 'write b', 'settle a,b', 'progress']);
    await outcomes.add(w('c'), delivered);
    await outcomes.flush();
    expect(log.slice(5)).toEqual(['write c', 'progress', 'settle c']);
  });

  it('renews the leases still held before writing, when renewal is due, and drops the written ones', async () => {
    const { log, leases, outcomes, clock, w } = writer();
    leases.hold([w('a'), w('b')]);
    clock.advance(100);
    await outcomes.add(w('a'), delivered);
    expect(log).toEqual(['renew a,b', 'write a', 'progress']);
    // Written: no longer held, so the next renewal leaves it out.
    clock.advance(100);
    leases.takeRenewal()?.();
    expect(log.at(-1)).toBe('renew b');
  });

  it('fails the senders of a write that failed, and goes on with the next', async () => {
    const src = fakeSource();
    let fail = true;
    src.record = async () => {
      if (fail) throw new Error('database busy');
    };
    const outcomes = outcomeWriter({
      leases: leaseKeeper({ leaseMs: 300, now: () => 0, renew: async () => {} }),
      now: () => 0,
    });
    await expect(outcomes.add(work('a', src), delivered)).rejects.toThrow('database busy');
    fail = false;
    await expect(outcomes.add(work('b', src), delivered)).resolves.toBeUndefined();
  });
});

describe('the send rate', () => {
  it('spaces turns evenly at the rate, and does not wait when unlimited', async () => {
    let t = 0;
    const rate = sendRate(10, () => t);
    const started = Date.now();
    await rate.turn();
    t = 0;
    const second = rate.turn(); // due 100 ms after the first
    await second;
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const free = sendRate(0);
    await free.turn();
  });
});

describe('the watch for failures of our own', () => {
  const result = (status: SendResult['status'], reply: string, command?: string): SendResult => ({
    status,
    messageId: '',
    reply,
    ...(command ? { command } : {}),
  });

  it('calls a technical failure (connection, MAIL FROM) ours at once', () => {
    const watch = faultWatch();
    const seen = watch.observe(
      'a',
      result('technical-failure', '501 5.1.7 Bad sender address syntax', 'MAIL FROM'),
    );
    expect(seen?.fault.command).toBe('MAIL FROM');
    expect(seen?.fault.reason).toMatch(/refused to send at MAIL FROM: 501 5\.1\.7/);
  });

  it('does not pause for a message that could not be built', () => {
    expect(
      faultWatch().observe('a', result('technical-failure', 'not sent: no advisory', NOT_BUILT)),
    ).toBeNull();
  });

  it('calls one reply for most recipients ours, naming the earlier ones to reconsider', () => {
    const watch = faultWatch({ window: 10, share: 0.8, minimum: 5 });
    expect(watch.observe('ok', result('delivered', '250 ok'))).toBeNull();
    for (const k of ['a', 'b', 'c'])
      expect(
        watch.observe(k, result('permanent-failure', `550 5.7.1 <${k}@x.gov.uk>: Relay access denied`)),
      ).toBeNull();
    // Four of five refused alike is not yet 80% of the window with the delivered one in it…
    expect(
      watch.observe('d', result('permanent-failure', '550 5.7.1 <d@y.gov.uk>: Relay access denied')),
    ).toBeNull();
    const seen = watch.observe(
      'e',
      result('permanent-failure', '550 5.7.1 <e@z.gov.uk>: Relay access denied'),
    );
    expect(seen?.sameFailure).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves ordinary recipient failures to the recipients', () => {
    const watch = faultWatch({ window: 10, minimum: 5 });
    const replies = [
      '550 5.1.1 user unknown',
      '452 4.2.2 mailbox full',
      '550 5.7.1 rejected by DMARC policy',
    ];
    for (let i = 0; i < 9; i++) {
      const status = i % 3 === 1 ? 'temporary-failure' : 'permanent-failure';
      expect(watch.observe(`k${i}`, result(status, replies[i % 3]!))).toBeNull();
    }
  });

  it('shapes replies without what differs per recipient', () => {
    expect(replyShape('550 5.1.1 <a.b@c.gov.uk>: Recipient address rejected')).toBe(
      replyShape('550 5.1.1 <x@y.org>: Recipient address rejected'),
    );
    expect(replyShape('250 2.0.0 Ok: queued as 4FbQ1h2XyzZ')).not.toBe('');
  });
});

describe('counting outcomes', () => {
  it('counts delivered, retrying or failed', () => {
    const stats = { delivered: 0, retrying: 0, failed: 0 };
    countOutcome(stats, delivered);
    countOutcome(stats, { ...delivered, status: 'temporary-failure', nextAttemptAt: 5 });
    countOutcome(stats, { ...delivered, status: 'temporary-failure', nextAttemptAt: null });
    countOutcome(stats, { ...delivered, status: 'permanent-failure' });
    expect(stats).toEqual({ delivered: 1, retrying: 1, failed: 2 });
  });
});
