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

export async function openLibsqlDatabase(url: string, authToken?: string): Promise<LibsqlDatabase> {
  if (url.startsWith('file:')) {
    const path = url.slice('file:'.length).split('?')[0];
    if (path && path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const client = createClient({ url, authToken });
  if (url.startsWith('file:')) {
    // WAL lets readers and one writer work side by side; busy_timeout lets several processes share the file
    // (a writer waits for another's transaction instead of failing).
    await client.execute('PRAGMA busy_timeout = 30000');
    if (!url.includes(':memory:')) await client.execute('PRAGMA journal_mode = WAL');
  }
  if (url.startsWith('file:') || url === ':memory:') await client.execute('PRAGMA foreign_keys = ON');
  const db = drizzle(client, { schema }) as Db;
  return { db, client, close: () => client.close() };
}

/** Applies the migrations in drizzle/ (idempotent). */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}

/** Number of migrations in drizzle/ and number applied, for /readyz. */
export async function migrationStatus(client: Client): Promise<{ applied: number }> {
  const rs = await client.execute(
    "select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'",
  );
  if (Number(rs.rows[0]?.n ?? 0) === 0) return { applied: 0 };
  const applied = await client.execute('select count(*) as n from __drizzle_migrations');
  return { applied: Number(applied.rows[0]?.n ?? 0) };
}
