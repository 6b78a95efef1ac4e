// SIGTERM in the middle of a fan-out, on the real service (`tsx src/entry/node.ts`) with the real SMTP
// adapter and a slow SMTP server: the process stops accepting, lets the sends in flight finish and records
// them, gives back the deliveries it had claimed but not sent (their lease ends now, not in five minutes),
// and exits 0 within its grace period. A second process then sends the rest straight away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advisoryBody,
  callService,
  eventually,
  type ServiceProcess,
  seedServiceDatabase,
  serviceDeliveries,
  serviceEnv,
  startService,
  tempFolder,
} from '../e2e/support.js';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.js';

const COUNCILS = 120;
const LEASE_SECONDS = 600; // long: a lease that was not given back would block the rest for ten minutes
const folders: Array<ReturnType<typeof tempFolder>> = [];
const services: ServiceProcess[] = [];
let sink: SmtpSink;
let folder: ReturnType<typeof tempFolder>;
let env: Record<string, string>;
let admin: string;

/** A new database with COUNCILS councils in one WARP, and the service's environment for it. */
async function seed(extraEnv: Record<string, string> = {}) {
  folder = tempFolder('sigterm');
  folders.push(folder);
  env = serviceEnv(folder, sink.url, {
    DISPATCH_LEASE_SECONDS: String(LEASE_SECONDS),
    DISPATCH_BATCH_SIZE: '20',
    ...extraEnv,
  });
  [admin] = (await seedServiceDatabase(folder, {
    warps: [{ id: 'solo', name: 'Solo WARP' }],
    councils: {
      count: COUNCILS,
      code: (i) => `G${String(i).padStart(3, '0')}`,
      authority: (_, code) => ({ name: `Graceful Council ${code}`, shortName: code, warpId: 'solo' }),
    },
    admins: ['ops'],
  })) as [string];
}

const api = (service: ServiceProcess, method: string, path: string, body?: unknown) =>
  callService(service, admin, method, path, body);

const deliveries = (advisoryId: string) => serviceDeliveries(folder.databaseUrl, advisoryId);

const slow = ({ stage }: { stage: string }) => (stage === 'data' ? 40 : 0);

beforeAll(async () => {
  sink = await startSmtpSink({ delayMs: slow });
}, 60_000);

afterAll(async () => {
  for (const service of services) await service.kill('SIGKILL');
  await sink?.close();
  for (const f of folders) f.cleanup();
}, 30_000);

/** Creates and releases the advisory to every council (one WARP: no second approval); returns its id. */
async function startFanOut(service: ServiceProcess): Promise<string> {
  const created = await api(
    service,
    'POST',
    '/api/v1/advisories',
    advisoryBody({ audience: { warps: ['solo'] } }),
  );
  expect(created.status, created.text).toBe(201);
  const id = (created.body as { id: string }).id;
  const released = await api(service, 'POST', `/api/v1/advisories/${id}/release`);
  expect(released.body, released.text).toMatchObject({ state: 'sending', deliveries: COUNCILS });
  return id;
}

/** SIGTERM to the service's process group; resolves with its exit and how long it took. */
async function terminate(service: ServiceProcess, withinMs: number) {
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    service.child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const termAt = Date.now();
  process.kill(-service.child.pid!, 'SIGTERM');
  const exit = await Promise.race([
    exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no exit within ${withinMs} ms`)), withinMs),
    ),
  ]);
  return { code: exit.code, ms: exit.at - termAt, checkedAt: Date.now() };
}

/** The rest goes out from a second process straight away (not after the lease), each recipient exactly once. */
async function finishesAfterRestart(id: string) {
  const second = await startService(env);
  services.push(second);
  const restartedAt = Date.now();
  await eventually(
    async () =>
      (await api(second, 'GET', `/api/v1/advisories/${id}`)).body?.state === 'sent' ? true : undefined,
    'the advisory to be sent after the restart',
    60_000,
    200,
  );
  expect(Date.now() - restartedAt).toBeLessThan(LEASE_SECONDS * 1000);
  const after = await deliveries(id);
  expect(after.every((r) => r.status === 'delivered')).toBe(true);
  const perRecipient = new Map<string, number>();
  for (const m of sink.messages)
    for (const to of m.rcptTo) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
  expect(perRecipient.size).toBe(COUNCILS);
  expect([...perRecipient.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  await second.kill('SIGTERM');
}

describe('SIGTERM during a fan-out', () => {
  it('finishes the sends in flight, gives back unsent leases and exits 0 in time', async () => {
    sink.reset();
    sink.set({ delayMs: slow });
    await seed();
    const first = await startService(env);
    services.push(first);
    const id = await startFanOut(first);
    await sink.waitFor(15, 60_000);

    const exit = await terminate(first, 20_000);
    expect(exit.code, first.output().slice(-2000)).toBe(0);
    expect(exit.ms).toBeLessThan(10_000); // SHUTDOWN_GRACE_SECONDS' default
    expect(first.output()).toContain('"msg":"shutting down"');
    expect(first.output()).not.toContain('sends unfinished'); // nothing had to be abandoned
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow(); // no longer accepting

    const rows = await deliveries(id);
    expect(rows).toHaveLength(COUNCILS);
    const delivered = rows.filter((r) => r.status === 'delivered');
    expect(delivered.length, 'the signal landed part-way').toBeLessThan(COUNCILS);
    // Every message the server accepted is recorded as delivered: nothing was sent and forgotten.
    expect(new Set(sink.messages.flatMap((m) => m.rcptTo))).toEqual(new Set(delivered.map((r) => r.address)));
    // Nothing is left leased into the future: every other delivery can be claimed at once.
    const stuck = rows.filter((r) => r.status === 'sending' && (r.leaseExpiresAt ?? 0) > exit.checkedAt);
    expect(stuck, 'deliveries still leased by the stopped process').toEqual([]);
    for (const r of rows)
      expect(['delivered', 'created', 'sending', 'temporary-failure', 'technical-failure']).toContain(
        r.status,
      );
    console.info(
      `graceful shutdown: exited 0 after ${exit.ms} ms; ${delivered.length} of ${COUNCILS} delivered, ` +
        `${rows.filter((r) => r.status === 'sending').length} leases given back, ` +
        `${rows.filter((r) => r.status === 'created').length} never claimed`,
    );
    await finishesAfterRestart(id);
  }, 120_000);

  it('does not wait past the grace period for a mail server that stopped answering', async () => {
    sink.reset();
    sink.set({ delayMs: slow });
    await seed({ SHUTDOWN_GRACE_SECONDS: '2' });
    const first = await startService(env);
    services.push(first);
    const id = await startFanOut(first);
    await sink.waitFor(10, 60_000);
    // From now on the server takes each message and never answers it.
    sink.set({ delayMs: ({ stage }) => (stage === 'data' ? 600_000 : 0) });
    // A DATA that began after the switch is one that hangs (one that began before may still finish at the
    // old pace, and a process with only that in flight rightly exits at once).
    const dataBefore = sink.events.filter((e) => e.stage === 'data').length;
    await eventually(
      () => {
        const data = sink.events.filter((e) => e.stage === 'data').length;
        return data > dataBefore && data > sink.messages.length ? true : undefined;
      },
      'a send to hang',
      20_000,
      20,
    );
    const exit = await terminate(first, 20_000);
    expect(exit.code, first.output().slice(-2000)).toBe(0);
    expect(exit.ms).toBeGreaterThanOrEqual(1500); // it did wait for the sends in flight…
    expect(exit.ms).toBeLessThan(7000); // …but no longer than the grace period (+ the backstop's margin)
    expect(first.output()).toContain('sends unfinished; their leases are given back');
    const rows = await deliveries(id);
    const stuck = rows.filter((r) => r.status === 'sending' && (r.leaseExpiresAt ?? 0) > exit.checkedAt);
    expect(stuck, 'deliveries still leased by the stopped process').toEqual([]);
    expect(new Set(rows.map((r) => r.address)).size).toBe(COUNCILS);

    sink.set({ delayMs: slow }); // the server recovers
    await finishesAfterRestart(id);
  }, 120_000);
});
