// The libsql database adapter for the edge: Turso (or any sqld) over HTTPS with an auth token, through
// libsql's web client (fetch and WebSocket only; the Node client's file: and native parts are not bundled).
// Migrations are applied from a machine with Node: `DATABASE_URL=libsql://… DATABASE_AUTH_TOKEN=…
// npm run cli -- …` (the Node entry migrates at start-up) or drizzle-kit; /readyz reports missing ones.
import { createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import type { Db } from '../db/client.js';
import * as schema from '../db/schema.js';

/** URLs the web client can reach from Workers: no `file:`, no `:memory:`. */
export const webLibsqlUrl = /^(libsql|https?|wss?):\/\//;

export interface LibsqlWebDatabase {
  db: Db;
  close(): void;
}

export function openLibsqlWebDatabase(url: string, authToken?: string): LibsqlWebDatabase {
  if (!webLibsqlUrl.test(url))
    throw new Error('On Workers DATABASE_URL must be a libsql://, https:// or wss:// URL (Turso, sqld).');
  const client = createClient({ url, authToken });
  return { db: drizzle(client, { schema }) as Db, close: () => client.close() };
}
