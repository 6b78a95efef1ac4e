// The database busy: a second connection to the same file holds the write lock (BEGIN IMMEDIATE) while the
// app writes. A short hold: the app waits (busy_timeout) and succeeds. A hold past the busy timeout: the
// app answers 503 problem+json with Retry-After (or the error page), never a 500, and writes nothing; reads
// go on meanwhile (WAL); and once the lock is gone the same request succeeds.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { createApp } from '../../src/app.js';
import { CSRF_COOKIE } from '../../src/middleware/csrf.js';
import { rowCounts, worldDeps } from '../security/world.js';
import { insertAuthority, insertDomains, insertToken } from '../support/fixtures.js';

const BUSY_TIMEOUT_MS = 1000;
const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-busy-'));
const url = `file:${join(dir, 'busy.db')}`;
let database: Awaited<ReturnType<typeof openLibsqlDatabase>>;
let app: ReturnType<typeof createApp>;
let deps: ReturnType<typeof worldDeps>;
let admin: string;
let holder: ChildProcess | null = null;

beforeAll(async () => {
  database = await openLibsqlDatabase(url, undefined, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  await migrateDatabase(database.db);
  deps = worldDeps(database.db, { RATE_LIMIT_PER_IP: '1000', RATE_LIMIT_PER_AUTHORITY: '1000' });
  app = createApp(deps);
  await insertAuthority(database.db, { code: 'BSY', name: 'Busy Council' });
  await insertDomains(database.db, 'BSY', ['busy.gov.uk']);
  admin = (await insertToken(database.db, { role: 'admin', name: 'busy' }, { now: deps.clock.now() })).secret;
});
afterEach(() => {
  holder?.kill('SIGKILL');
  holder = null;
});
afterAll(() => {
  database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Another process (libsql is synchronous: a lock held in this process could not be let go while the app's
 * query waits) opens the same file, takes the write lock (BEGIN IMMEDIATE), writes without committing,
 * holds it for `ms`, then rolls back. Resolves once the lock is held; `done` when the process has ended.
 */
async function holdWriteLock(ms: number) {
  const script = `
    import { createClient } from '@libsql/client';
    const client = createClient({ url: process.env.LOCK_URL });
    const tx = await client.transaction('write');
    await tx.execute("insert into warps (id, name, created_at, updated_at) values ('held', 'Held', 0, 0)");
    process.stdout.write('locked\\n');
    await new Promise((r) => setTimeout(r, Number(process.env.LOCK_MS)));
    await tx.rollback();
    client.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, LOCK_URL: url, LOCK_MS: String(ms) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  holder = child;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return { done };
}

const registration = (address: string) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    authority: 'BSY',
    address,
    kind: 'secondary',
    team: 'Cyber Security Team',
    phone: '029 2087 2000',
  }),
});

describe('a database that reports busy', () => {
  it('waits out a short lock and then writes', async () => {
    const started = Date.now();
    const { done } = await holdWriteLock(BUSY_TIMEOUT_MS / 3);
    const res = await app.request('/api/v1/mailboxes', registration('soc-wait@busy.gov.uk'));
    expect(res.status, await res.clone().text()).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS / 3);
    await done;
  });

  it('answers 503 problem+json past the busy timeout, writes nothing, and works once the lock is gone', async () => {
    const { done } = await holdWriteLock(4 * BUSY_TIMEOUT_MS);
    const before = await rowCounts(database.client);
    const res = await app.request('/api/v1/mailboxes', registration('soc-later@busy.gov.uk'));
    const text = await res.text();
    expect(res.status, text).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(JSON.parse(text)).toMatchObject({ status: 503, code: 'unavailable' });
    // Reads go on under the lock (WAL).
    const read = await app.request('/api/v1/coverage?by=nation');
    expect(read.status).toBe(200);
    // A page gets the error page with the same status.
    const page = await app.request('/register', {
      method: 'POST',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `${CSRF_COOKIE}=busy-test-double-submit-0001`,
      },
      body: new URLSearchParams({
        _csrf: 'busy-test-double-submit-0001',
        council: 'Busy Council',
        address: 'soc-page@busy.gov.uk',
        kind: 'out-of-hours',
        team: 'Cyber Security Team',
        phone: '029 2087 2000',
      }).toString(),
    });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('<html');
    expect(
      (deps.log as unknown as { lines: Array<{ msg: string }> }).lines.filter(
        (l) => l.msg === 'unhandled error',
      ),
    ).toEqual([]);

    await done;
    expect(await rowCounts(database.client)).toEqual(before);
    const again = await app.request('/api/v1/mailboxes', registration('soc-later@busy.gov.uk'));
    expect(again.status, await again.clone().text()).toBe(202);
    const after = await rowCounts(database.client);
    expect(after.mailboxes).toBe(before.mailboxes + 1);
    expect(after.link_tokens).toBe(before.link_tokens + 1);
  });
});
