// The service killed with SIGKILL in the middle of a fan-out, then started again on the same database:
// the real process (`tsx src/entry/node.ts`), the real SMTP adapter and an SMTP server slow enough that the
// kill lands part-way. Nothing may be lost: every recipient ends with the message, a recipient that got it
// twice got the same Message-ID both times, and there is exactly one delivery row per mailbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';
import {
  advisoryBody,
  callService,
  countBy,
  eventually,
  type ServiceProcess,
  seedServiceDatabase,
  serviceDeliveries,
  serviceEnv,
  startService,
  tempFolder,
} from './support.js';

const COUNCILS = 300;
const WARPS = ['north', 'midlands', 'south'];
const address = (i: number) => `cyber@c${String(i).padStart(3, '0')}.gov.uk`;
const everyone = Array.from({ length: COUNCILS }, (_, i) => address(i));

const folder = tempFolder('crash');
const services: ServiceProcess[] = [];
let sink: SmtpSink;
let env: Record<string, string>;
let author: string;
let approver: string;

/** Seeds the database file before the service first opens it: councils in three WARPs, two admin tokens. */
async function seed() {
  [author, approver] = (await seedServiceDatabase(folder, {
    warps: WARPS.map((id) => ({ id })),
    councils: {
      count: COUNCILS,
      authority: (i) => ({ name: `Crash Test Council ${i}`, warpId: WARPS[i % WARPS.length]! }),
      address,
    },
    admins: ['NCSC duty officer', 'NCSC second admin'],
  })) as [string, string];
}

const api = (service: ServiceProcess, method: string, path: string, token: string, body?: unknown) =>
  callService(service, token, method, path, body);

const deliveryRows = (advisoryId: string) => serviceDeliveries(folder.databaseUrl, advisoryId);

beforeAll(async () => {
  await seed();
  // A slow server: each message waits before its 250, so the fan-out takes seconds, not milliseconds.
  sink = await startSmtpSink({ delayMs: ({ stage }) => (stage === 'data' ? 25 : 0) });
  env = serviceEnv(folder, sink.url, { DISPATCH_LEASE_SECONDS: '2', DISPATCH_BATCH_SIZE: '10' });
}, 60_000);

afterAll(async () => {
  for (const service of services) await service.kill('SIGKILL');
  await sink?.close();
  folder.cleanup();
}, 30_000);

describe('a SIGKILL in the middle of a fan-out', () => {
  it('loses nothing: after a restart every recipient has the message, resends keep their Message-ID', async () => {
    const first = await startService(env);
    services.push(first);

    const created = await api(first, 'POST', '/api/v1/advisories', author, advisoryBody());
    expect(created.status, created.text).toBe(201);
    const { id } = created.body as { id: string };
    const released = await api(first, 'POST', `/api/v1/advisories/${id}/release`, author);
    expect(released.body).toMatchObject({ state: 'awaiting-approval', needsSecondApproval: true });
    const approved = await api(first, 'POST', `/api/v1/advisories/${id}/approve`, approver);
    expect(approved.body).toMatchObject({ state: 'sending', deliveries: COUNCILS });

    // Some, not all, have arrived: kill the whole process group without warning.
    await sink.waitFor(40, 60_000);
    await first.kill('SIGKILL');
    const atKill = sink.messages.length;
    expect(first.child.signalCode ?? first.child.exitCode).not.toBeNull();
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();
    expect(atKill).toBeLessThan(COUNCILS);
    const killed = await deliveryRows(id);
    expect(killed.filter((r) => r.status === 'delivered').length).toBeLessThan(COUNCILS);

    // The same service again, on the same database and the same SMTP server.
    const second = await startService(env);
    services.push(second);
    const sent = await eventually(
      async () => {
        const got = await api(second, 'GET', `/api/v1/advisories/${id}`, author);
        return got.body?.state === 'sent' ? got.body : undefined;
      },
      'the advisory to be sent after the restart',
      90_000,
      200,
    );
    expect(sent.state).toBe('sent');
    expect(sink.messages.length).toBeGreaterThan(atKill);

    // Exactly one delivery row per mailbox, all delivered.
    const rows = await deliveryRows(id);
    expect(rows).toHaveLength(COUNCILS);
    expect(new Set(rows.map((r) => r.mailboxId)).size).toBe(COUNCILS);
    expect(countBy(rows.map((r) => r.status))).toEqual(new Map([['delivered', COUNCILS]]));
    const deliveryOf = new Map(rows.map((r) => [r.address, r.id]));

    // Every recipient has it at least once; a recipient that got it again got the very same message.
    const received = new Map<string, Set<string>>();
    for (const m of sink.messages) {
      expect(m.rcptTo).toHaveLength(1);
      const to = m.rcptTo[0]!;
      expect(m.parsed.messageId).toBe(`<delivery.${deliveryOf.get(to)}@cyber-contacts.test>`);
      const ids = received.get(to) ?? new Set<string>();
      ids.add(m.parsed.messageId!);
      received.set(to, ids);
    }
    expect([...received.keys()].sort()).toEqual([...everyone].sort());
    for (const [to, ids] of received) expect(ids.size, to).toBe(1);
    // Only a delivery the killed process had claimed and not written back can have gone out twice;
    // one it had recorded as delivered never goes out again.
    const times = countBy(sink.messages.map((m) => m.rcptTo[0]!));
    const twice = [...times.entries()].filter(([, n]) => n > 1).map(([to]) => to);
    const leasedAtKill = new Set(killed.filter((r) => r.status === 'sending').map((r) => r.address));
    for (const to of twice) expect(leasedAtKill.has(to), to).toBe(true);
    for (const r of killed.filter((k) => k.status === 'delivered'))
      expect(times.get(r.address), r.address).toBe(1);
    for (const n of times.values()) expect(n).toBeLessThanOrEqual(2);
    console.info(
      `crash-sigkill: ${atKill} of ${COUNCILS} received before the kill, ${twice.length} received twice, ` +
        `${leasedAtKill.size} leased by the killed process`,
    );
  }, 180_000); // a safety net for a loaded machine; it takes about 15 s
});
