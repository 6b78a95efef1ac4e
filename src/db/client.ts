// The database handle every feature uses. libsql (file or Turso) and D1 share this drizzle surface,
// including `batch`, which is how every multi-row write is made atomic.
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type * as schema from './schema.js';

export type Db = LibSQLDatabase<typeof schema>;
export type BatchItem = Parameters<Db['batch']>[0][number];

/** Runs writes atomically; an empty list is a no-op (drizzle refuses an empty batch). */
export async function writeAll(db: Db, items: BatchItem[]): Promise<void> {
  if (items.length === 0) return;
  await db.batch(items as [BatchItem, ...BatchItem[]]);
}
