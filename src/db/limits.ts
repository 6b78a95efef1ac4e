// The database limits of the edge, handled here once so no feature has to know them: Cloudflare D1 binds at
// most 100 parameters in one statement (libsql allows 32,766). A list of values goes into a statement as
// ONE JSON parameter (`inList`), and many rows are written as several INSERTs that each stay within the
// limit (`insertRows`), batched together by the caller so the write stays atomic.
import { getTableColumns, inArray, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem, Db } from './client.js';

/** Bound parameters D1 accepts in one statement. */
export const MAX_BOUND_PARAMETERS = 100;

/**
 * `column IN (values)` for a list of any length, bound as a single JSON parameter (`json_each`). Use it for
 * every list of values; drizzle's `inArray` binds one parameter per value (lint refuses it).
 */
export function inList(column: SQLiteColumn | SQL, values: readonly (string | number)[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;
}

/** `column IN (subquery)`: the subquery's own parameters count, not its rows. */
export function inSubquery(column: SQLiteColumn, subquery: SQLWrapper): SQL {
  return inArray(column, subquery);
}

/** `column NOT IN (values)`, as `inList`. */
export function notInList(column: SQLiteColumn | SQL, values: readonly (string | number)[]): SQL {
  return sql`${column} not in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * Splits `items` into runs that each fit one statement, when every item binds `perItem` parameters and the
 * rest of the statement binds `reserved`.
 */
export function withinParameterLimit<T>(items: readonly T[], perItem: number, reserved = 0): T[][] {
  const size = Math.max(1, Math.floor((MAX_BOUND_PARAMETERS - reserved) / Math.max(1, perItem)));
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/**
 * INSERT statements for any number of rows, each within the parameter limit (a row binds at most one
 * parameter per column). Put them in one `db.batch` with the rest of the change: all or nothing.
 */
export function insertRows<T extends SQLiteTable>(
  db: Db,
  table: T,
  rows: readonly T['$inferInsert'][],
  options: { ignoreConflicts?: boolean } = {},
): BatchItem[] {
  const perRow = Object.keys(getTableColumns(table)).length;
  return withinParameterLimit(rows, perRow).map((run) => {
    const insert = db.insert(table).values(run as T['$inferInsert'][]);
    return options.ignoreConflicts ? insert.onConflictDoNothing() : insert;
  });
}
