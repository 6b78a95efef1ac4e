// The database handle every feature uses. libsql (file or Turso) and D1 share this drizzle surface,
// including `batch`, which is how every multi-row write is made atomic.
import { type SQL, sql } from 'drizzle-orm';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.js';

export type Db = LibSQLDatabase<typeof schema>;
export type BatchItem = Parameters<Db['batch']>[0][number];

/** Runs writes atomically; an empty list is a no-op (drizzle refuses an empty batch). */
export async function writeAll(db: Db, items: BatchItem[]): Promise<void> {
  if (items.length === 0) return;
  await db.batch(items as [BatchItem, ...BatchItem[]]);
}

/**
 * `column IN (values)` with the whole list as ONE bound parameter (`json_each`), for lists of any length:
 * D1 allows at most 100 bound parameters in a statement, so `inArray` is only for lists known to be short.
 */
export function inJsonList(column: SQLiteColumn | SQL, values: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}
