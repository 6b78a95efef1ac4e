// Two SMTP faults test/e2e/fanout-faults.test.ts does not cover, through the real SMTP adapter and the
// fan-out engine: a server that answers slowly (every step delayed), and one that stops answering in the
// middle of DATA (it reads part of the message, then neither reads on nor replies) until the client's
// socket timeout. Invariants after each: no recipient lost, one delivery row per mailbox, every delivery
// final or retryable (none left `sending`), and after the server recovers each stalled recipient gets the
// message once, with the same Message-ID as the attempt that stalled.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/adapters/mailer-smtp.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { createAdvisory } from '../e2e/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertCouncils, insertWarp } from '../support/fixtures.js';

const COUNCILS = 12;
const address = (i: number) => `cyber@s${String(i).padStart(2, '0')}.gov.uk`;
const all = Array.from({ length: COUNCILS }, (_, i) => address(i));

interface Behaviour {
  /** Milliseconds before each reply (connect, MAIL, RCPT, DATA). */
  delayMs: number;
  /** Recipients whose DATA is read only in part, then never answered. */
  stallData: Set<string>;
}

/** A small SMTP server whose DATA handler can stop reading part-way (smtp-server reads a whole message first). */
async function startStallingServer(behaviour: Behaviour) {
  const accepted: Array<{ to: string[]; messageId: string }> = [];
  const stalledDataFor: string[] = [];
  const later = (fn: () => void) => (behaviour.delayMs > 0 ? setTimeout(fn, behaviour.delayMs) : fn());
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    closeTimeout: 100,
    onConnect: (_s, cb) => later(() => cb()),
    onMailFrom: (_a, _s, cb) => later(() => cb()),
    onRcptTo: (_a, _s, cb) => later(() => cb()),
    onData(stream, session, cb) {
      const to = session.envelope.rcptTo.map((r) => r.address);
      if (to.some((a) => behaviour.stallData.has(a))) {
        stalledDataFor.push(...to);
        stream.once('data', () => stream.pause()); // one chunk, then nothing: no more reading, no reply
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        later(() =>
          simpleParser(Buffer.concat(chunks)).then((parsed) => {
            accepted.push({ to, messageId: parsed.messageId ?? '' });
            cb(null, 'Ok: queued');
          }, cb),
        ),
      );
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    accepted,
    stalledDataFor,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.connections) c._socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let t: TestApp;
let server: Awaited<ReturnType<typeof startStallingServer>>;
let mailer: ReturnType<typeof smtpMailer>;
const behaviour: Behaviour = { delayMs: 0, stallData: new Set() };

beforeEach(async () => {
  behaviour.delayMs = 0;
  behaviour.stallData = new Set();
  server = await startStallingServer(behaviour);
  t = await makeTestApp({
    env: {
      SMTP_URL: server.url,
      SMTP_POOL_CONNECTIONS: '3',
      DELIVERY_RETRY_BASE_SECONDS: '60',
      DELIVERY_DEADLINE_HOURS: '2',
      DISPATCH_BATCH_SIZE: '4',
    },
  });
  // The client gives up on a silent server after 1.5 s (production: 120 s; SMTP_URL can set it).
  mailer = smtpMailer(t.deps.config, t.log, { transport: { socketTimeout: 1500, connectionTimeout: 3000 } });
  t.deps.mailer = mailer;
  await insertWarp(t.db, { id: 'solo', name: 'Solo WARP' });
  await insertCouncils(t.db, {
    count: COUNCILS,
    code: (i) => `S${String(i).padStart(2, '0')}`,
    authority: (i) => ({ name: `Stall Council ${i}`, warpId: 'solo' }),
    address,
  });
});

afterEach(async () => {
  await mailer.close();
  await server.close();
  t.close();
});

async function send() {
  const admin = await t.tokenFor('admin');
  const advisory = await createAdvisory(t.call, admin, { audience: { warps: ['solo'] } });
  const released = await t.call('POST', `/api/v1/advisories/${advisory.id}/release`, { token: admin });
  expect(released.status, await released.clone().text()).toBe(200);
  return advisory.id;
}

async function rows(advisoryId: string) {
  const rs = await t.client.execute({
    sql: 'select id, mailbox_id, address, status, attempts, next_attempt_at, last_reply from deliveries where advisory_id = ?',
    args: [advisoryId],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    mailboxId: String(r.mailbox_id),
    address: String(r.address),
    status: String(r.status),
    attempts: Number(r.attempts),
    nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
    lastReply: r.last_reply === null ? null : String(r.last_reply),
  }));
}

/** No recipient lost, no duplicate rows, nothing left `sending`, every status final or retryable. */
function checkInvariants(list: Awaited<ReturnType<typeof rows>>) {
  expect(list).toHaveLength(COUNCILS);
  expect(new Set(list.map((r) => r.mailboxId)).size).toBe(COUNCILS);
  expect(new Set(list.map((r) => r.address))).toEqual(new Set(all));
  for (const r of list) {
    const retryable =
      ['temporary-failure', 'technical-failure'].includes(r.status) && r.nextAttemptAt !== null;
    const final = ['delivered', 'permanent-failure'].includes(r.status);
    expect(retryable || final, `${r.address}: ${r.status}`).toBe(true);
  }
}

const drain = () => drainDeliveries(t.deps, dispatchOptions(t.deps));

describe('a slow SMTP server', () => {
  it('gets every message, once, however slowly it answers', async () => {
    behaviour.delayMs = 150; // each of connect, MAIL, RCPT and DATA
    const id = await send();
    const started = Date.now();
    const stats = await drain();
    expect(stats).toMatchObject({ claimed: COUNCILS, delivered: COUNCILS, retrying: 0, failed: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 150);
    const list = await rows(id);
    checkInvariants(list);
    expect(list.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
    expect(server.accepted.map((m) => m.to[0]).sort()).toEqual([...all].sort());
  }, 60_000);
});

describe('an SMTP server that stops answering mid-DATA', () => {
  it('turns the silence into a retry, loses nobody, and delivers once when the server recovers', async () => {
    const stalled = [address(2), address(7)];
    behaviour.stallData = new Set(stalled);
    const id = await send();
    const stats = await drain();
    expect(stats.delivered).toBe(COUNCILS - stalled.length);
    expect(stats.retrying).toBe(stalled.length);
    expect(server.stalledDataFor.sort()).toEqual([...stalled].sort());
    const first = await rows(id);
    checkInvariants(first);
    for (const r of first.filter((x) => stalled.includes(x.address))) {
      expect(['temporary-failure', 'technical-failure']).toContain(r.status);
      expect(r.nextAttemptAt).not.toBeNull();
      expect(r.lastReply ?? '').toMatch(/time|ETIMEDOUT|idle|socket/i);
    }
    // Nothing for the stalled ones was accepted; the others once each.
    expect(server.accepted.flatMap((m) => m.to).sort()).toEqual(
      all.filter((a) => !stalled.includes(a)).sort(),
    );

    // The server recovers; the retry falls due.
    behaviour.stallData = new Set();
    t.clock.advance(10 * 60_000);
    const retry = await drain();
    expect(retry).toMatchObject({ claimed: stalled.length, delivered: stalled.length });
    const after = await rows(id);
    checkInvariants(after);
    expect(after.every((r) => r.status === 'delivered')).toBe(true);
    const perRecipient = new Map<string, string[]>();
    for (const m of server.accepted)
      perRecipient.set(m.to[0]!, [...(perRecipient.get(m.to[0]!) ?? []), m.messageId]);
    expect(perRecipient.size).toBe(COUNCILS);
    for (const [to, ids] of perRecipient) expect(ids, to).toHaveLength(1);
    for (const r of after.filter((x) => stalled.includes(x.address)))
      expect(perRecipient.get(r.address)![0]).toBe(`<delivery.${r.id}@cyber-contacts.test>`);
  }, 60_000);
});
