// Bookkeeping never blocks a request: while another process holds the database's write lock (BEGIN
// IMMEDIATE), a read with a bearer token or a session cookie answers 200; the token's last-use and the
// session's last-activity stamps are postponed, not waited for, and written by the first request after the
// lock is gone. The holder lets go by itself after a while (shorter than the app's busy timeout): a stamp
// that waited for the lock would then be written by the first request, which these tests refuse.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { createApp } from '../../src/app.js';
import { apiTokens, sessions } from '../../src/db/schema.js';
import { settleBackground } from '../../src/lib/background.js';
import { hashSecret } from '../../src/lib/secrets.js';
import type { fixedClock } from '../../src/ports/clock.js';
import { worldDeps } from '../security/world.js';
import { insertAuthority, insertSession, insertToken } from '../support/fixtures.js';

const HOLD_MS = 15_000;
const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-bookkeeping-'));
const url = `file:${join(dir, 'bookkeeping.db')}`;
let database: Awaited<ReturnType<typeof openLibsqlDatabase>>;
let bookkeeping: Awaited<ReturnType<typeof openLibsqlDatabase>>;
let app: ReturnType<typeof createApp>;
let deps: ReturnType<typeof worldDeps>;
let holder: ChildProcess | null = null;

beforeAll(async () => {
  // The app's connection waits out a lock (longer than the holder keeps it), as the service does.
  database = await openLibsqlDatabase(url, undefined, { busyTimeoutMs: 60_000 });
  await migrateDatabase(database.db);
  bookkeeping = await openLibsqlDatabase(url, undefined, { busyTimeoutMs: 0 });
  deps = worldDeps(database.db, {}, { bookkeepingDb: bookkeeping.db });
  app = createApp(deps);
  await insertAuthority(database.db, { code: 'BKP', name: 'Bookkeeping Council' });
});
afterEach(async () => {
  await releaseLock();
});
afterAll(() => {
  bookkeeping?.close();
  database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Another process (libsql is synchronous) takes the write lock and keeps it until `releaseLock`, or for
 * HOLD_MS at most: then it rolls back by itself, so a request that waited for the lock would go on.
 */
async function holdWriteLock() {
  const script = `
    import { createClient } from '@libsql/client';
    const client = createClient({ url: process.env.LOCK_URL });
    const tx = await client.transaction('write');
    await tx.execute("insert into warps (id, name, created_at, updated_at) values ('held', 'Held', 0, 0)");
    process.stdout.write('locked\\n');
    await new Promise((r) => setTimeout(r, Number(process.env.HOLD_MS)));
    await tx.rollback();
    client.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, LOCK_URL: url, HOLD_MS: String(HOLD_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  holder = child;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
}

async function releaseLock() {
  const child = holder;
  holder = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

const lines = () => (deps.log as unknown as { lines: Array<{ msg: string; what?: string }> }).lines;
const postponed = (what: string) =>
  lines().filter((l) => l.msg === 'bookkeeping postponed: the database is busy' && l.what === what);
const clock = () => deps.clock as ReturnType<typeof fixedClock>;

describe('bookkeeping while another process holds the write lock', () => {
  it('a GET with a bearer token answers 200; the last-use stamp waits for the lock to go, then is written', async () => {
    const { id, secret } = await insertToken(database.db, { role: 'admin' }, { now: deps.clock.now() });
    const lastUsed = async () =>
      (await database.db.query.apiTokens.findFirst({ where: eq(apiTokens.id, id) }))!.lastUsedAt;
    const get = () =>
      app.request('/api/v1/authorities/BKP', { headers: { authorization: `Bearer ${secret}` } });

    await holdWriteLock();
    const res = await get();
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { code: string }).code).toBe('BKP');
    await settleBackground(deps.db);
    expect(await lastUsed()).toBeNull();
    expect(postponed('token use')).toHaveLength(1);
    expect(lines().filter((l) => l.msg === 'database busy' || l.msg === 'unhandled error')).toEqual([]);

    await releaseLock();
    expect((await get()).status).toBe(200);
    await settleBackground(deps.db);
    expect(await lastUsed()).toEqual(deps.clock.now());
    expect(postponed('token use')).toHaveLength(1);
  });

  it('a page with a session cookie answers 200; the last-activity stamp waits for the lock to go', async () => {
    const session = await insertSession(database.db, { role: 'admin' }, { now: deps.clock.now() });
    const idHash = await hashSecret(session.secret);
    const lastSeen = async () =>
      (await database.db.query.sessions.findFirst({ where: eq(sessions.idHash, idHash) }))!.lastSeenAt;
    const opened = await lastSeen();
    clock().advance(10 * 60_000);
    const get = () => app.request('/api/v1/authorities/BKP', { headers: { cookie: session.cookie } });

    await holdWriteLock();
    expect((await get()).status).toBe(200);
    await settleBackground(deps.db);
    expect(await lastSeen()).toEqual(opened);
    expect(postponed('session activity')).toHaveLength(1);

    await releaseLock();
    expect((await get()).status).toBe(200);
    await settleBackground(deps.db);
    expect(await lastSeen()).toEqual(deps.clock.now());
  });
});
