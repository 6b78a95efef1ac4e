// The fan-out through real SMTP when the receiving server misbehaves: 4xx replies (at RCPT and after
// DATA), 5xx replies, and connections dropped without a reply. With a fixed clock and a short retry base
// the engine must end each delivery in the right state, retry only what is retryable, and after the
// server recovers deliver every retryable recipient exactly once more, touching nothing else.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { insertCouncils, insertWarp } from '../support/fixtures.js';
import type { SinkEvent } from '../support/smtp-sink.js';
import {
  acceptedPerRecipient,
  createAdvisory,
  rcptPerAddress,
  releaseAndApprove,
  type SmtpTestApp,
  smtpTestApp,
} from './support.js';

const RETRY_BASE_SECONDS = 60;
const COUNCILS = 24;

const address = (i: number) => `cyber@f${String(i).padStart(2, '0')}.gov.uk`;
const all = Array.from({ length: COUNCILS }, (_, i) => address(i));
// Who the server refuses, and how.
const tempAtRcpt = [address(1), address(2), address(3), address(4)];
const tempAtData = [address(5)];
const permAtRcpt = [address(6), address(7), address(8)];
const permAtData = [address(9)];
const dropAtRcpt = [address(10), address(11)];
const dropAtData = [address(12)];
const temporary = [...tempAtRcpt, ...tempAtData];
const permanent = [...permAtRcpt, ...permAtData];
const dropped = [...dropAtRcpt, ...dropAtData];
const healthy = all.filter((a) => ![...temporary, ...permanent, ...dropped].includes(a));

const recipientOf = (e: SinkEvent) => (e.stage === 'rcpt' ? e.address : e.rcptTo[0]);

function faultyReply(e: SinkEvent) {
  const to = recipientOf(e) ?? '';
  if ((e.stage === 'rcpt' && tempAtRcpt.includes(to)) || (e.stage === 'data' && tempAtData.includes(to)))
    // Each recipient's own server words it its own way (one sink stands in for many domains' servers): five
    // identical replies to different domains would rightly look like our relay refusing us (sender-fault.ts).
    return { code: 451, message: `4.3.0 try again later (${to.split('@')[1]} is busy)` };
  if (e.stage === 'rcpt' && permAtRcpt.includes(to))
    return { code: 550, message: '5.1.1 mailbox unavailable' };
  if (e.stage === 'data' && permAtData.includes(to)) return { code: 554, message: '5.7.1 message refused' };
  return undefined;
}

function faultyDrop(e: SinkEvent) {
  const to = recipientOf(e) ?? '';
  return (e.stage === 'rcpt' && dropAtRcpt.includes(to)) || (e.stage === 'data' && dropAtData.includes(to));
}

interface Row {
  id: string;
  mailbox_id: string;
  address: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_reply: string | null;
  last_code: number | null;
  failed_at: number | null;
  delivered_at: number | null;
  lease_owner: string | null;
}

let s: SmtpTestApp;
let admin: string;
let approver: string;

beforeEach(async () => {
  s = await smtpTestApp({
    now: '2026-11-30T09:00:00Z',
    env: {
      DELIVERY_RETRY_BASE_SECONDS: String(RETRY_BASE_SECONDS),
      DELIVERY_RETRY_MAX_SECONDS: '600',
      DELIVERY_DEADLINE_HOURS: '2',
      DISPATCH_BATCH_SIZE: '5',
    },
    sink: { reply: faultyReply, drop: faultyDrop },
  });
  s.useSmtp();
  // Two WARPs, so the release also goes through the second admin.
  for (const warp of ['north', 'south']) await insertWarp(s.t.db, { id: warp, name: `${warp} WARP` });
  await insertCouncils(s.t.db, {
    count: COUNCILS,
    code: (i) => `F${String(i).padStart(2, '0')}`,
    authority: (i) => ({ name: `Fault Council ${i}`, warpId: i % 2 ? 'north' : 'south' }),
    address,
  });
  admin = await s.t.tokenFor('admin');
  approver = await s.t.tokenFor('admin');
});

afterEach(() => s.close());

async function rows(advisoryId: string): Promise<Map<string, Row>> {
  const rs = await s.t.client.execute({
    sql: 'select * from deliveries where advisory_id = ? order by address',
    args: [advisoryId],
  });
  const list = rs.rows as unknown as Row[];
  return new Map(list.map((r) => [r.address, { ...r, attempts: Number(r.attempts) }]));
}

const drain = () => drainDeliveries(s.t.deps, dispatchOptions(s.t.deps, { concurrency: 10 }));

describe('fan-out through a faulty SMTP server', () => {
  it('fails 5xx for good, retries 4xx and dropped connections after backoff, and delivers each once', async () => {
    const { t, sink } = s;
    const { id } = await createAdvisory(t.call, admin, { audience: { all: true } });
    expect(await releaseAndApprove(t.call, id, admin, approver)).toMatchObject({
      state: 'sending',
      deliveries: COUNCILS,
    });
    const start = t.clock.now().getTime();

    // First pass: the server refuses or drops 12 of 24.
    const first = await drain();
    expect(first).toMatchObject({
      claimed: COUNCILS,
      delivered: healthy.length,
      failed: permanent.length,
      retrying: temporary.length + dropped.length,
    });
    const afterFirst = await rows(id);
    expect(afterFirst.size).toBe(COUNCILS);
    for (const to of healthy)
      expect(afterFirst.get(to), to).toMatchObject({ status: 'delivered', attempts: 1 });
    for (const to of permanent) {
      const r = afterFirst.get(to)!;
      expect(r, to).toMatchObject({ status: 'permanent-failure', attempts: 1, next_attempt_at: null });
      expect(r.failed_at).toBe(start);
      if (permAtRcpt.includes(to)) {
        expect(r.last_code).toBe(550);
        expect(r.last_reply).toContain('550 5.1.1 mailbox unavailable');
      } else {
        expect(r.last_code).toBe(554);
        expect(r.last_reply).toContain('554 5.7.1 message refused');
      }
    }
    for (const to of [...temporary, ...dropped]) {
      const r = afterFirst.get(to)!;
      expect(r, to).toMatchObject({ status: 'temporary-failure', attempts: 1, failed_at: null });
      // Backoff after the first attempt: base·2⁰ with jitter in [½, 1].
      expect(Number(r.next_attempt_at) - start).toBeGreaterThanOrEqual((RETRY_BASE_SECONDS * 1000) / 2);
      expect(Number(r.next_attempt_at) - start).toBeLessThanOrEqual(RETRY_BASE_SECONDS * 1000);
    }
    for (const to of temporary) {
      expect(afterFirst.get(to)!.last_code).toBe(451);
      expect(afterFirst.get(to)!.last_reply).toContain('451 4.3.0 try again later');
    }
    for (const to of dropped) {
      // A connection fault: no reply code, the transport's error kept instead.
      expect(afterFirst.get(to)!.last_code).toBeNull();
      expect(afterFirst.get(to)!.last_reply).toMatch(/ECONNECTION|ESOCKET|closed/i);
    }
    const accepted = acceptedPerRecipient(sink);
    expect([...accepted.keys()].sort()).toEqual([...healthy].sort());
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    const rcptFirst = rcptPerAddress(sink);
    for (const to of dropped.filter((a) => dropAtRcpt.includes(a)))
      expect(rcptFirst.get(to)).toBeGreaterThanOrEqual(1);
    let advisory = await (await t.call('GET', `/api/v1/advisories/${id}`, { token: admin })).json();
    expect(advisory.state).toBe('sending');

    // Not due yet: nothing is claimed, nothing is sent.
    expect((await drain()).claimed).toBe(0);
    expect(sink.messages).toHaveLength(healthy.length);

    // The server recovers; the clock passes the backoff.
    sink.set({ reply: undefined, drop: undefined });
    t.clock.advance(RETRY_BASE_SECONDS * 1000 + 1000);
    const retried = await drain();
    expect(retried).toMatchObject({
      claimed: temporary.length + dropped.length,
      delivered: temporary.length + dropped.length,
      failed: 0,
      retrying: 0,
    });

    // Every retryable recipient got exactly one message; the refused ones none; the rest still one.
    const final = acceptedPerRecipient(sink);
    for (const to of [...healthy, ...temporary, ...dropped]) expect(final.get(to), to).toBe(1);
    for (const to of permanent) expect(final.get(to), to).toBeUndefined();
    expect(sink.messages).toHaveLength(COUNCILS - permanent.length);
    expect(new Set(sink.messages.map((m) => m.parsed.messageId)).size).toBe(sink.messages.length);

    const afterSecond = await rows(id);
    expect(afterSecond.size).toBe(COUNCILS);
    expect(new Set([...afterSecond.values()].map((r) => r.mailbox_id)).size).toBe(COUNCILS);
    for (const r of afterSecond.values()) {
      expect(['delivered', 'permanent-failure']).toContain(r.status);
      expect(r.next_attempt_at).toBeNull();
      expect(r.lease_owner).toBeNull();
    }
    for (const to of [...temporary, ...dropped]) {
      const r = afterSecond.get(to)!;
      expect(r, to).toMatchObject({ status: 'delivered', attempts: 2, last_code: 250 });
      expect(r.delivered_at).toBe(t.clock.now().getTime());
      const [m] = sink.messages.filter((x) => x.rcptTo.includes(to));
      expect(m!.parsed.messageId).toBe(`<delivery.${r.id}@cyber-contacts.test>`);
    }
    // The permanent failures are untouched by the second pass.
    for (const to of permanent) expect(afterSecond.get(to)).toEqual(afterFirst.get(to));
    for (const to of healthy) expect(afterSecond.get(to)).toEqual(afterFirst.get(to));

    advisory = await (await t.call('GET', `/api/v1/advisories/${id}`, { token: admin })).json();
    expect(advisory.state).toBe('sent');
    const report = await (await t.call('GET', `/api/v1/advisories/${id}/report`, { token: admin })).json();
    expect(report.summary.byStatus).toMatchObject({
      delivered: COUNCILS - permanent.length,
      'permanent-failure': permanent.length,
      'temporary-failure': 0,
      sending: 0,
      created: 0,
    });
    expect((await drain()).claimed).toBe(0);
  });
});

describe('fan-out when sending outlasts the lease', () => {
  it('never sends a delivery twice from a live worker', async () => {
    const { t, sink, smtp } = s;
    // Each message takes 1 s of the (fixed) clock; a lease lasts 5 s; claims come 5 at a time. The same
    // shape as a relay limited to SMTP_RATE_PER_SECOND=0.5 draining 200-delivery batches on 300 s leases:
    // the worker's own leases run out while it still holds the deliveries (queued, or sent with the
    // outcome not yet written back), and the next claim must not hand them out again.
    t.deps.mailer = {
      async send(message) {
        const result = await smtp.send(message);
        t.clock.advance(1000);
        return result;
      },
      close: () => smtp.close(),
    };
    sink.set({ reply: undefined, drop: undefined });
    const { id } = await createAdvisory(t.call, admin, { audience: { all: true } });
    await releaseAndApprove(t.call, id, admin, approver);
    const stats = await drainDeliveries(
      t.deps,
      dispatchOptions(t.deps, { concurrency: 2, batchSize: 5, leaseMs: 5000 }),
    );
    expect(stats).toMatchObject({ claimed: COUNCILS, delivered: COUNCILS });
    const received = acceptedPerRecipient(sink);
    expect([...received.keys()].sort()).toEqual([...all].sort());
    expect([...received.entries()].filter(([, n]) => n > 1)).toEqual([]);
    const final = await rows(id);
    for (const r of final.values()) expect(r, r.address).toMatchObject({ status: 'delivered', attempts: 1 });
    const advisory = await (await t.call('GET', `/api/v1/advisories/${id}`, { token: admin })).json();
    expect(advisory.state).toBe('sent');
  });
});
