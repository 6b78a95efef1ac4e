// Keeping within Notify's rate limit ourselves: 3,000 requests a minute per key, which Notify enforces with
// a token bucket (at most 1,000 tokens, 50 a second back) and documents as a rolling minute. The fake
// Notify enforces both and answers 429 RateLimitError beyond; a sender on a fake clock never meets it.
import { describe, expect, it } from 'vitest';
import { notifyRateLimit } from '../../src/adapters/notify-client.js';
import { notifySms } from '../../src/adapters/sms-notify.js';
import { memoryLogger } from '../../src/ports/logger.js';
import type { OutgoingSms, SmsResult } from '../../src/ports/sms.js';
import { notifyConfig, useFakeNotify } from './support.js';

const notify = useFakeNotify();
const log = memoryLogger('silent');

const texts = (n: number): OutgoingSms[] =>
  Array.from({ length: n }, (_, i) => ({
    to: `+4477009${String(i).padStart(5, '0')}`,
    text: 'Drill: reply not needed.',
    reference: `sms.${i}`,
  }));

describe('the fake Notify’s limit (what our own limit must keep under)', () => {
  it('answers 429 RateLimitError to a sender that does not hold back, once its bucket is empty', async () => {
    const unlimited = notifySms(notifyConfig(), log, {
      now: () => notify.state.clock.now(),
      rateLimit: { take: () => 0, drain() {} },
    });
    const results = await Promise.all(texts(1000).map((t) => unlimited.send(t)));
    expect(results.filter((r) => r.status === 'sending')).toHaveLength(999);
    expect(results.filter((r) => r.failure === 'Notify RateLimitError')).toHaveLength(1);
    expect(notify.state.fake.refusals()).toBe(1);
  });
});

describe('our rate limit', () => {
  it('lets Notify’s burst through at once, then one request each 1/50 s, on the clock it is given', () => {
    let t = 0;
    const limit = notifyRateLimit(3000, () => new Date(t));
    for (let i = 0; i < 999; i++) expect(limit.take()).toBe(0);
    expect(limit.take()).toBe(20);
    t += 19;
    expect(limit.take()).toBe(1);
    t += 1;
    expect(limit.take()).toBe(0);
    expect(limit.take()).toBe(20);
  });

  it('keeps to NOTIFY_RATE_PER_MINUTE over any 60 seconds, even with a full bucket', () => {
    let t = 0;
    const limit = notifyRateLimit(60, () => new Date(t));
    let sent = 0;
    // 60 a minute: a bucket of 20, one back a second. Ask every 100 ms for 70 s.
    const times: number[] = [];
    for (; t < 70_000; t += 100)
      if (limit.take() === 0) {
        sent++;
        times.push(t);
      }
    for (const start of times)
      expect(times.filter((x) => x >= start && x < start + 60_000).length).toBeLessThanOrEqual(60);
    expect(sent).toBeGreaterThan(60);
  });

  it('3,500 texts on a fake clock: Notify never says 429, those over the limit are told when to try again, and go then', async () => {
    const s = notifySms(notifyConfig(), log, { now: () => notify.state.clock.now() });
    let pending = texts(3500);
    const sent = new Set<string>();
    const heldBack: SmsResult[] = [];
    let rounds = 0;
    while (pending.length > 0 && rounds < 500) {
      rounds++;
      const results = await Promise.all(pending.map((t) => s.send(t)));
      const next: OutgoingSms[] = [];
      results.forEach((r, i) => {
        if (r.status === 'sending') sent.add(pending[i]!.reference);
        else {
          expect(r).toMatchObject({ status: 'temporary-failure', failure: 'Notify rate limit (ours)' });
          heldBack.push(r);
          next.push(pending[i]!);
        }
      });
      if (rounds === 1) expect(sent.size).toBe(999); // Notify's burst
      pending = next;
      if (pending.length === 0) break;
      // Wait as long as we were told (at least a second, so the test takes few rounds).
      const wait = Math.min(...results.flatMap((r) => (r.retryAfterMs ? [r.retryAfterMs] : [])));
      expect(wait).toBeGreaterThan(0);
      notify.state.clock.advance(Math.max(wait, 1000));
    }
    expect(sent.size).toBe(3500);
    expect(notify.state.fake.refusals()).toBe(0);
    expect(notify.state.fake.calls).toHaveLength(3500);
    expect(heldBack.length).toBeGreaterThan(2500);
    expect(heldBack.every((r) => (r.retryAfterMs ?? 0) > 0)).toBe(true);
    // Over the documented limit: never more than 3,000 accepted in any 60 seconds.
    const times = [...notify.state.fake.notifications.values()]
      .map((n) => n.createdAt.getTime())
      .sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[j]! <= times[i]! - 60_000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(3000);
  });
});
