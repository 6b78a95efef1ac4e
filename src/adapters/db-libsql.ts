// The libsql database adapter (Node): a local file, :memory:, or a Turso/sqld server over http(s)/ws.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from '../db/client.js';
import * as schema from '../db/schema.js';

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

export interface LibsqlDatabase {
  db: Db;
  client: Client;
  close(): void;
}

export interface LibsqlOptions {
  /** How long a writer waits for another connection's write lock before SQLITE_BUSY (file databases). */
  busyTimeoutMs?: number;
}

export async function openLibsqlDatabase(
  url: string,
  authToken?: string,
  options: LibsqlOptions = {},
): Promise<LibsqlDatabase> {
  const file = url.startsWith('file:');
  if (file) {
    const path = url.slice('file:'.length).split('?')[0];
    if (path && path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const client = createClient({ url, authToken });
  const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 30_000));
  /** Per-connection settings, again on the connection a reconnect opens. */
  const configure = async (execute: (sql: string) => Promise<unknown>) => {
    if (file) {
      // WAL lets readers and one writer work side by side; busy_timeout lets several processes share the
      // file (a writer waits for another's transaction instead of failing).
      await execute(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
      if (!url.includes(':memory:')) {
        await execute('PRAGMA journal_mode = WAL');
        // With WAL, NORMAL is crash-safe for the process (nothing is corrupted or half-applied); only a
        // power cut can lose the last commits. It halves the cost of a commit on the fan-out's hot path.
        await execute('PRAGMA synchronous = NORMAL');
      }
    }
    if (file || url === ':memory:') await execute('PRAGMA foreign_keys = ON');
  };
  await configure((sql) => client.execute(sql));
  if (file && !url.includes(':memory:')) recoverFromBusy(client, configure);
  const db = drizzle(client, { schema }) as Db;
  return { db, client, close: () => client.close() };
}

const isBusy = (err: unknown) => {
  const e = err as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === 'SQLITE_BUSY' ||
    (typeof e?.message === 'string' && /SQLITE_BUSY|statements in progress/.test(e.message))
  );
};

/**
 * @libsql/client 0.18 (local files) leaves the statement that met SQLITE_BUSY un-reset on its connection;
 * every later batch on that connection then fails to COMMIT ("SQL statements in progress"), so one busy
 * moment (another process holding the write lock past the busy timeout) would stop every later write
 * until a restart. After a busy error this drops the client's connections (the next call opens a fresh
 * one) and applies the per-connection settings again. The failed call still fails (the caller answers
 * 503); the ones after it work.
 */
function recoverFromBusy(
  client: Client,
  configure: (execute: (sql: string) => Promise<unknown>) => Promise<void>,
) {
  const execute = client.execute.bind(client) as (sql: string) => Promise<unknown>;
  let recovering: Promise<void> | null = null;
  const recover = () => {
    recovering ??= (async () => {
      await client.reconnect();
      await configure(execute);
    })().finally(() => {
      recovering = null;
    });
    return recovering;
  };
  for (const method of ['execute', 'batch'] as const) {
    const original = client[method].bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      if (recovering) await recovering;
      try {
        return await original(...args);
      } catch (err) {
        if (isBusy(err)) await recover().catch(() => {});
        throw err;
      }
    };
  }
}

/** Applies the migrations in drizzle/ (idempotent). */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
