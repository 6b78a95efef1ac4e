// The fan-out engine's parts, each alone with fakes in place of the database: the claim-ahead queue, the
// lease keeper and the outcome writer (drainDeliveries wires them together; fanout.test.ts runs the whole).
import { describe, expect, it } from 'vitest';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import type { ClaimedDelivery } from '../../src/features/advisories/claim.js';
import { claimQueue } from '../../src/features/advisories/claim-queue.js';
import { type DeliveryMessages, sendDelivery } from '../../src/features/advisories/delivery-messages.js';
import type { DeliveryUpdate } from '../../src/features/advisories/delivery-outcome.js';
import { countOutcome } from '../../src/features/advisories/dispatch.js';
import { leaseKeeper } from '../../src/features/advisories/lease-keeper.js';
import { outcomeWriter } from '../../src/features/advisories/outcome-writer.js';
import { memoryLogger } from '../../src/ports/logger.js';

const delivery = (id: string, advisoryId = 'adv'): ClaimedDelivery => ({
  id,
  advisoryId,
  mailboxId: `mbx-${id}`,
  authorityCode: null,
  address: `${id}@example.gov.uk`,
  mailboxKind: 'primary',
  attempts: 1,
  deadlineAt: 1e12,
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

/** A queue of due deliveries `d0`, `d1`, … that `claim` takes from, recording each claim's limit. */
function dueDeliveries(count: number) {
  const due = Array.from({ length: count }, (_, i) => delivery(`d${i}`));
  const limits: number[] = [];
  const claim = async (limit: number) => {
    limits.push(limit);
    return due.splice(0, limit);
  };
  return { due, claim, limits };
}

async function drainAll(queue: { next(): Promise<ClaimedDelivery | null> }) {
  const ids: string[] = [];
  for (let d = await queue.next(); d; d = await queue.next()) ids.push(d.id);
  return ids;
}

describe('the lease keeper', () => {
  it('holds each delivery once: one that comes back in a claim is left out', () => {
    const leases = leaseKeeper({ leaseMs: 300, now: () => 0, renew: async () => {} });
    expect(leases.hold([delivery('a'), delivery('b')]).map((d) => d.id)).toEqual(['a', 'b']);
    expect(leases.hold([delivery('b'), delivery('c')]).map((d) => d.id)).toEqual(['c']);
    leases.drop('b');
    expect(leases.hold([delivery('b')]).map((d) => d.id)).toEqual(['b']);
  });

  it('is due every third of a lease, and renews what it holds when the renewal runs', async () => {
    const clock = handClock();
    const renewed: string[][] = [];
    const leases = leaseKeeper({
      leaseMs: 300,
      now: clock.now,
      renew: async (ids) => void renewed.push(ids),
    });
    leases.hold([delivery('a'), delivery('b')]);
    clock.advance(99);
    expect(leases.due()).toBe(false);
    expect(leases.takeRenewal()).toBeNull();
    clock.advance(1);
    expect(leases.due()).toBe(true);
    const renewal = leases.takeRenewal();
    expect(leases.due()).toBe(false);
    leases.drop('a');
    await renewal?.();
    expect(renewed).toEqual([['b']]);
  });
});

describe('the claim-ahead queue', () => {
  const quiet = () => leaseKeeper({ leaseMs: 60_000, now: () => 0, renew: async () => {} });

  it('hands out every due delivery once, claiming the next batch before the queue runs dry', async () => {
    const { claim, limits } = dueDeliveries(10);
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
    expect(prepared).toEqual([
      ['d0', 'd1', 'd2', 'd3'],
      ['d4', 'd5', 'd6', 'd7'],
      ['d8', 'd9'],
      [], // the claim that found nothing more
    ]);
    expect(queue.claimed).toBe(10);
  });

  it('claims no more than the budget of deliveries', async () => {
    const { claim, limits } = dueDeliveries(10);
    const queue = claimQueue({
      batchSize: 4,
      lowWater: 1,
      maxDeliveries: 6,
      leases: quiet(),
      claim,
      prepare: async () => {},
    });
    expect(await drainAll(queue)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
    expect(limits).toEqual([4, 2]);
    expect(queue.claimed).toBe(6);
  });

  it('does not hand out a delivery it already holds when its lease ran out and it is claimed again', async () => {
    const a = delivery('a');
    const batches = [[a, delivery('b')], [a, delivery('c')], []];
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
    const { claim } = dueDeliveries(10);
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
    const unsent = queue.takeUnsent().map((d) => d.id);
    expect(unsent).toEqual(['d1', 'd2', 'd3']);
    // No longer held: claimed again later, they are handed out.
    expect(leases.hold([delivery('d1')])).toHaveLength(1);
  });
});

describe('the outcome writer', () => {
  function writer(flushEvery: number, clock = handClock()) {
    const log: string[] = [];
    const leases = leaseKeeper({
      leaseMs: 300,
      now: clock.now,
      renew: async (ids) => void log.push(`renew ${ids.join(',')}`),
    });
    const outcomes = outcomeWriter({
      flushEvery,
      leases,
      write: async (items) => void log.push(`write ${items.map((i) => i.id).join(',')}`),
      complete: async (ids) => void log.push(`complete ${ids.join(',')}`),
      onWritten: () => log.push('progress'),
    });
    return { log, leases, outcomes, clock };
  }

  it('writes in batches of flushEvery, then marks the advisories touched complete', async () => {
    const { log, outcomes } = writer(2);
    await outcomes.add(delivery('a', 'x'), delivered);
    expect(log).toEqual([]);
    await outcomes.add(delivery('b', 'y'), delivered);
    expect(log).toEqual(['write a,b', 'complete x,y', 'progress']);
    await outcomes.add(delivery('c', 'x'), delivered);
    await outcomes.flush();
    expect(log.slice(3)).toEqual(['write c', 'complete x,y', 'progress']);
  });

  it('writes at once when told to (stopping)', async () => {
    const { log, outcomes } = writer(100);
    await outcomes.add(delivery('a'), delivered, true);
    expect(log).toEqual(['write a', 'complete adv', 'progress']);
  });

  it('renews the leases still held before writing, when renewal is due, and drops the written ones', async () => {
    const { log, leases, outcomes, clock } = writer(100);
    leases.hold([delivery('a'), delivery('b')]);
    clock.advance(100);
    await outcomes.add(delivery('a'), delivered);
    expect(log).toEqual(['renew a,b', 'write a', 'complete adv', 'progress']);
    // Written: no longer held, so the next renewal leaves it out.
    clock.advance(100);
    await outcomes.flush();
    expect(log.at(-1)).toBe('renew b');
  });

  it('keeps its writes in order, one after another', async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const outcomes = outcomeWriter({
      flushEvery: 1,
      leases: leaseKeeper({ leaseMs: 300, now: () => 0, renew: async () => {} }),
      write: async (items) => {
        if (items[0]?.id === 'a') await gate;
        order.push(items[0]?.id ?? '');
      },
      complete: async () => {},
    });
    const first = outcomes.add(delivery('a'), delivered);
    const second = outcomes.add(delivery('b'), delivered);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['a', 'b']);
  });
});

describe('sending one delivery', () => {
  const messages = (build: DeliveryMessages['build']): DeliveryMessages => ({
    prepare: async () => {},
    build,
  });

  it('sends the built message and returns the mail server’s answer', async () => {
    const mailer = memoryMailer();
    const result = await sendDelivery(
      { mailer, log: memoryLogger() },
      messages(async (d) => ({ to: d.address, subject: 's', text: 't', messageId: `<${d.id}@x>` })),
      delivery('a'),
    );
    expect(result.status).toBe('delivered');
    expect(mailer.sent.map((m) => m.to)).toEqual(['a@example.gov.uk']);
  });

  it('turns a failure before the mail server into a technical failure, logged', async () => {
    const log = memoryLogger();
    const result = await sendDelivery(
      { mailer: memoryMailer(), log },
      messages(async () => {
        throw new Error('advisory adv not found');
      }),
      delivery('a'),
    );
    expect(result).toMatchObject({ status: 'technical-failure', reply: 'not sent: advisory adv not found' });
    expect(log.lines.map((l) => l.msg)).toContain('delivery failed before reaching the mail server');
  });

  it('counts outcomes as delivered, retrying or failed', () => {
    const stats = { delivered: 0, retrying: 0, failed: 0 };
    countOutcome(stats, delivered);
    countOutcome(stats, { ...delivered, status: 'temporary-failure', nextAttemptAt: 5 });
    countOutcome(stats, { ...delivered, status: 'temporary-failure', nextAttemptAt: null });
    countOutcome(stats, { ...delivered, status: 'permanent-failure' });
    expect(stats).toEqual({ delivered: 1, retrying: 1, failed: 2 });
  });
});
