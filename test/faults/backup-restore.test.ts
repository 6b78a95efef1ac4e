// `npm run cli -- db backup|restore` through the real CLI on a temporary database file: a backup is a
// consistent copy (even with a write transaction open elsewhere), is never silently overwritten, and
// restoring it brings the data back; a file that is not a backup of this service is refused and changes
// nothing; a running service, or a remote (Turso) database, is refused with a reason.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { runCli, tempDatabase } from '../support/cli.js';
import { insertAuthority } from '../support/fixtures.js';

const db = tempDatabase();
const file = (name: string) => join(db.dir, name);
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli(['db', ...args], { databaseUrl: db.url, env: { LOG_LEVEL: 'warn', PORT: '1', ...env } });

async function count(url: string, table: string): Promise<number> {
  const client = createClient({ url });
  try {
    return Number((await client.execute(`select count(*) as n from ${table}`)).rows[0]?.n ?? 0);
  } finally {
    client.close();
  }
}

async function addAuthorities(codes: string[]) {
  const database = await openLibsqlDatabase(db.url);
  try {
    for (const code of codes) await insertAuthority(database.db, { code, name: `${code} Council` });
  } finally {
    database.close();
  }
}

beforeAll(async () => {
  // The CLI creates and migrates the database on first use.
  const made = await runCli(['token', 'create', '--role', 'admin', '--name', 'first'], {
    databaseUrl: db.url,
  });
  expect(made.code, made.stderr).toBe(0);
  await addAuthorities(['BKA', 'BKB', 'BKC']);
}, 60_000);
afterAll(() => db.cleanup());

describe('db backup and restore', () => {
  it('backs up, refuses to overwrite without --force, restores the data and keeps the old database', async () => {
    // A writer elsewhere has a transaction open: the backup waits for nothing and holds only what was committed.
    const writer = createClient({ url: db.url });
    const tx = await writer.transaction('write');
    await tx.execute(
      "insert into warps (id, name, created_at, updated_at) values ('uncommitted', 'Uncommitted WARP', 0, 0)",
    );
    const first = await cli(['backup', file('backup.db')]);
    await tx.rollback();
    writer.close();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Backed up .* \(\d+ bytes; 3 authorities/);
    expect(await count(`file:${file('backup.db')}`, 'authorities')).toBe(3);
    expect(await count(`file:${file('backup.db')}`, 'warps')).toBe(0);
    expect(existsSync(`${file('backup.db')}-wal`)).toBe(false); // one self-contained file

    const again = await cli(['backup', file('backup.db')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
    const forced = await cli(['backup', file('backup.db'), '--force']);
    expect(forced.code, forced.stderr).toBe(0);

    // The data changes after the backup.
    await addAuthorities(['BKD', 'BKE']);
    const changer = createClient({ url: db.url });
    await changer.execute("update api_tokens set name = 'renamed after the backup'");
    changer.close();
    expect(await count(db.url, 'authorities')).toBe(5);

    // Without --yes, and nobody at a terminal to ask: nothing happens.
    const unasked = await cli(['restore', file('backup.db')]);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain('--yes');
    expect(await count(db.url, 'authorities')).toBe(5);

    const restored = await cli(['restore', file('backup.db'), '--yes']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('Restored');
    expect(await count(db.url, 'authorities')).toBe(3);
    const names = createClient({ url: db.url });
    const tokens = (await names.execute('select name from api_tokens')).rows.map((r) => String(r.name));
    names.close();
    expect(tokens).toEqual(['first']);
    // The database as it was before the restore is kept beside it.
    const kept = `${db.url.replace(/^file:/, '')}.before-restore`;
    expect(await count(`file:${kept}`, 'authorities')).toBe(5);
    const keptClient = createClient({ url: `file:${kept}` });
    expect((await keptClient.execute('select name from api_tokens')).rows[0]?.name).toBe(
      'renamed after the backup',
    );
    keptClient.close();
    // The service reads the restored file as its own: migrations all applied.
    expect(await count(db.url, '__drizzle_migrations')).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a file that is not a backup of this service, and changes nothing', async () => {
    const before = await count(db.url, 'authorities');
    writeFileSync(file('notes.txt'), 'not a database at all\n'.repeat(20));
    const other = createClient({ url: `file:${file('other.db')}` });
    await other.execute('create table things (id integer primary key, name text)');
    await other.execute("insert into things (name) values ('x')");
    other.close();
    const cases: Array<[string, RegExp]> = [
      [file('notes.txt'), /not a SQLite database/],
      [file('other.db'), /not one of this service \(no __drizzle_migrations/],
    ];
    const results = await Promise.all(cases.map(([path]) => cli(['restore', path, '--yes'])));
    cases.forEach(([path, reason], i) => {
      expect(results[i]!.code, `${path}: ${results[i]!.stderr}`).toBe(1);
      expect(results[i]!.stderr).toMatch(reason);
    });
    expect(await count(db.url, 'authorities')).toBe(before);
  }, 60_000);

  it('refuses to restore under a running service', async () => {
    const server: Server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const { port } = server.address() as AddressInfo;
      const before = statSync(db.url.replace(/^file:/, '')).mtimeMs;
      const r = await cli(['restore', file('backup.db'), '--yes'], { HOST: '127.0.0.1', PORT: String(port) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Stop it first');
      expect(statSync(db.url.replace(/^file:/, '')).mtimeMs).toBe(before);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('says that a remote (Turso) database is backed up with Turso’s tools', async () => {
    const r = await runCli(['db', 'backup', file('remote.db')], {
      databaseUrl: 'libsql://example-db.turso.io',
      env: { DATABASE_AUTH_TOKEN: 'secret-token' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Turso's own tools");
    expect(r.stderr).not.toContain('secret-token');
    expect(existsSync(file('remote.db'))).toBe(false);
  }, 60_000);
});
