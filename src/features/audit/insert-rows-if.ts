// Many rows written only if a condition holds when the batch reaches them: `insert … select * from
// (values …) where <condition>`, each statement within D1's 100 bound parameters (only the columns the rows
// give are bound, so narrow rows pack more to a statement). The multi-row sibling of `insertRowIf`
// (transitions.ts): for example a drill's paths and messages are written only if the drill is still in
// the state the write was made for, so a scheduler that lost a race (or a drill cancelled meanwhile)
// writes nothing. With `ignoreConflicts`, rows whose id is already there are skipped: a drill's rows have
// ids derived from what they are for, so two writers of the same rows write them once.
import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { BatchItem, Db } from '../../db/client.js';
import { withinParameterLimit } from '../../db/limits.js';

/** Parameters left for the condition of each statement. */
const RESERVED_FOR_CONDITION = 20;

export function insertRowsIf<Table extends SQLiteTable>(
  db: Db,
  table: Table,
  rows: readonly Table['$inferInsert'][],
  condition: SQL,
  options: { ignoreConflicts?: boolean } = {},
): BatchItem[] {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  const keys = Object.keys(columns).filter((key) =>
    rows.some((row) => (row as Record<string, unknown>)[key] !== undefined),
  );
  const names = sql.join(
    keys.map((key) => sql.identifier(columns[key]!.name)),
    sql`, `,
  );
  const conflict = options.ignoreConflicts ? sql` on conflict do nothing` : sql``;
  return withinParameterLimit(rows, keys.length, RESERVED_FOR_CONDITION).map((run) => {
    const values = sql.join(
      run.map(
        (row) =>
          sql`(${sql.join(
            keys.map((key) => {
              const value = (row as Record<string, unknown>)[key];
              return value === null || value === undefined
                ? sql`null`
                : sql`${columns[key]!.mapToDriverValue(value)}`;
            }),
            sql`, `,
          )})`,
      ),
      sql`, `,
    );
    return db.run(
      sql`insert into ${table} (${names}) select * from (values ${values}) where ${condition}${conflict}`,
    );
  });
}
