// The service killed with SIGKILL at random points of a fan-out, and started again each time on the same
// database: the real process (`tsx src/entry/node.ts`), the real SMTP adapter and an SMTP server slow
// enough that each kill lands part-way. Nothing may be lost: every recipient ends with the message, a
// recipient that got it twice got the same Message-ID both times, each kill sends again at most as many
// messages as there are connections, and there is exactly one delivery row per mailbox.
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
const CONNECTIONS = 4;
const KILLS = 3;
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
  env = serviceEnv(folder, sink.url, {
    DISPATCH_LEASE_SECONDS: '2',
    DISPATCH_BATCH_SIZE: '10',
    SMTP_POOL_CONNECTIONS: String(CONNECTIONS),
  });
}, 60_000);

afterAll(async () => {
  for (const service of services) await service.kill('SIGKILL');
  await sink?.close();
  folder.cleanup();
}, 30_000);

/** A whole number in [min, max], from the test's seed (printed, so a failure can be replayed). */
const killSeed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
let state = killSeed;
const randomIn = (min: number, max: number) => {
  state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
  return min + (state % (max - min + 1));
};

describe('SIGKILL at random points of a fan-out', () => {
  it('loses nothing, sends again at most what was on the connections, with the same Message-ID, and reports resends', async () => {
    console.info(`crash-sigkill: seed ${killSeed} (CRASH_SEED=${killSeed} replays these kill points)`);
    let service = await startService(env);
    services.push(service);

    const created = await api(service, 'POST', '/api/v1/advisories', author, advisoryBody());
    expect(created.status, created.text).toBe(201);
    const { id } = created.body as { id: string };
    const released = await api(service, 'POST', `/api/v1/advisories/${id}/release`, author);
    expect(released.body).toMatchObject({ state: 'awaiting-approval', needsSecondApproval: true });
    const approved = await api(service, 'POST', `/api/v1/advisories/${id}/approve`, approver);
    expect(approved.body).toMatchObject({ state: 'sending', deliveries: COUNCILS });

    // Kill the whole process group without warning at random points, start it again on the same database
    // and the same SMTP server, and count, at each kill, the messages the server had received whose
    // delivery was still claimed and not written back: those, and only those, go out again.
    const kills: Array<{ at: number; leased: Set<string>; inFlight: Map<string, number> }> = [];
    const copiesOf = () => countBy(sink.messages.map((m) => m.rcptTo[0]!));
    let copiesBefore = new Map<string, number>();
    for (let k = 0; k < KILLS; k++) {
      const target = sink.messages.length + randomIn(15, 70);
      await sink.waitFor(target, 60_000);
      await service.kill('SIGKILL');
      expect(service.child.signalCode ?? service.child.exitCode).not.toBeNull();
      await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
      // A message whose last byte was on the wire at the kill still reaches the server (after its delay).
      await sink.settled();
      const copies = copiesOf();
      const rows = await deliveryRows(id);
      const leased = rows.filter((r) => r.status === 'sending').map((r) => r.address);
      // Copies that went out since the last kill of a delivery still claimed: sent by the killed process
      // and not recorded (a recorded delivery is 'delivered' for good).
      const inFlight = new Map<string, number>();
      for (const to of leased) {
        const sent = (copies.get(to) ?? 0) - (copiesBefore.get(to) ?? 0);
        if (sent > 0) inFlight.set(to, sent);
      }
      kills.push({ at: sink.messages.length, leased: new Set(leased), inFlight });
      copiesBefore = copies;
      expect(rows.filter((r) => r.status === 'delivered').length).toBeLessThan(COUNCILS);
      service = await startService(env);
      services.push(service);
    }
    const restarted = service;
    const sent = await eventually(
      async () => {
        const got = await api(restarted, 'GET', `/api/v1/advisories/${id}`, author);
        return got.body?.state === 'sent' ? got.body : undefined;
      },
      'the advisory to be sent after the restarts',
      90_000,
      200,
    );
    expect(sent.state).toBe('sent');

    // Exactly one delivery row per mailbox, all delivered.
    const rows = await deliveryRows(id);
    expect(rows).toHaveLength(COUNCILS);
    expect(new Set(rows.map((r) => r.mailboxId)).size).toBe(COUNCILS);
    expect(countBy(rows.map((r) => r.status))).toEqual(new Map([['delivered', COUNCILS]]));
    const deliveryOf = new Map(rows.map((r) => [r.address, r.id]));

    // Every recipient has it; a recipient that got it again got the very same message.
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

    // A recipient got it again only because a kill caught a copy received and not written back, and each
    // such copy went out once more: the copies of each recipient are one plus those caught. Each kill
    // caught at most one per connection: an outcome is written before its connection takes the next message.
    const times = copiesOf();
    const twice = [...times.entries()].filter(([, n]) => n > 1).map(([to]) => to);
    for (const to of everyone) {
      const caught = kills.reduce((n, k) => n + (k.inFlight.get(to) ?? 0), 0);
      expect(times.get(to), `copies of ${to}`).toBe(1 + caught);
    }
    for (const kill of kills) {
      const caught = [...kill.inFlight.values()].reduce((n, c) => n + c, 0);
      expect(caught, `caught in flight by the kill after ${kill.at} messages`).toBeLessThanOrEqual(
        CONNECTIONS,
      );
    }

    // The report says which deliveries were sent again (each claimed again after a kill).
    const report = await api(restarted, 'GET', `/api/v1/advisories/${id}/report`, author);
    expect(report.status).toBe(200);
    const resent = (report.body as { summary: { resent: number } }).summary.resent;
    expect(resent).toBeGreaterThanOrEqual(twice.length);
    expect(resent).toBeLessThanOrEqual(kills.reduce((n, k) => n + k.leased.size, 0));
    console.info(
      `crash-sigkill (seed ${killSeed}, ${CONNECTIONS} connections): ` +
        kills
          .map(
            (k, i) =>
              `kill ${i + 1} after ${k.at} messages: ${k.inFlight.size} in flight, ${k.leased.size} leased`,
          )
          .join('; ') +
        `; the report counts ${resent} resent`,
    );
  }, 180_000); // a safety net for a loaded machine; it takes about 20 s
});
