// The Cloudflare D1 database adapter (Workers): drizzle's D1 driver over the `DB` binding. Migrations come
// from the same drizzle/ folder, applied by wrangler (`migrations_dir`; it records them in d1_migrations).
//
// The feature code is written against `Db` (drizzle's LibSQLDatabase). D1's drizzle database has the same
// query builder, relational queries, `db.all`/`db.get`/`db.values` and atomic `db.batch` (D1 runs a batch as
// one transaction), and `.returning()` gives the same arrays, alone or in a batch. What differs, and how it
// is handled here rather than in the features:
// - `db.run()` resolves to D1's `D1Result` (`meta.changes`) instead of libsql's `ResultSet`
//   (`rowsAffected`), so the type is cast below. No feature reads a run result: writes that need to know
//   what they touched use `.returning()` (checked when this adapter was written; keep it that way).
// - Bound values: libsql turns a Date into its milliseconds and a boolean into 1/0 wherever it appears;
//   D1 refuses a Date ("type 'object' not supported"). The binding is wrapped so every statement binds
//   values the way libsql does (Date → ms, boolean → 1/0, bigint → number when safe).
// - D1 allows at most 100 bound parameters in one statement (libsql allows 32766): statements that bind
//   a list must chunk it or pass it as one JSON parameter (`json_each(?)`), as the fan-out code does.
// - `db.batch([db.run(sql`…`)])`: drizzle's D1 batch binds each item through its prepared statement, and a raw
//   `db.run`/`db.all` item has none, so any raw statement with parameters throws "Cannot read properties of
//   undefined (reading 'bind')" (drizzle-orm 0.45.4; drizzle-team/drizzle-orm#2277). The fan-out's release
//   batch is built that way, so this adapter replaces the session's batch with one that prepares every item
//   from its SQL and parameters (what libsql's batch does), keeping drizzle's result mapping.
// - No interactive transactions (BEGIN …): the features use `db.batch` only, as DESIGN.md requires.
import { drizzle } from 'drizzle-orm/d1';
import type { Db } from '../db/client.js';
import * as schema from '../db/schema.js';

/** The D1 binding (`env.DB`), as drizzle's D1 driver takes it. */
export type D1Binding = Parameters<typeof drizzle>[0];

/** A bound value as libsql would send it. */
export function d1Value(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  return value;
}

type Statement = { bind(...values: unknown[]): unknown };

/** The binding with `prepare(sql).bind(…)` normalising values; every other member is the binding's own. */
export function normalisingBinding(binding: D1Binding): D1Binding {
  const target = binding as unknown as { prepare(sql: string): Statement } & object;
  const statement = (stmt: Statement) =>
    new Proxy(stmt, {
      get(t, p) {
        if (p === 'bind') return (...values: unknown[]) => t.bind(...values.map(d1Value));
        const v = Reflect.get(t, p, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
  return new Proxy(target, {
    get(t, p) {
      if (p === 'prepare') return (query: string) => statement(t.prepare(query));
      const v = Reflect.get(t, p, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  }) as unknown as D1Binding;
}

interface D1Client {
  prepare(sql: string): { bind(...values: unknown[]): unknown };
  batch(statements: unknown[]): Promise<unknown[]>;
}
interface BatchQuery {
  _prepare(): {
    getQuery(): { sql: string; params: unknown[] };
    mapResult(result: unknown, isFromBatch?: boolean): unknown;
  };
}

/** A batch that works for every kind of item, raw SQL included (see drizzle-orm#2277 above). */
export function d1Batch(client: D1Client) {
  return async (queries: readonly BatchQuery[]): Promise<unknown[]> => {
    const prepared = queries.map((q) => q._prepare());
    const statements = prepared.map((p) => {
      const { sql, params } = p.getQuery();
      return client.prepare(sql).bind(...params);
    });
    const results = await client.batch(statements);
    return results.map((result, i) => prepared[i]!.mapResult(result, true));
  };
}

export function openD1Database(binding: D1Binding): Db {
  const client = normalisingBinding(binding);
  const db = drizzle(client, { schema });
  // drizzle keeps its session on the database object (internal, stable across 0.x): its batch is replaced.
  (db as unknown as { session: { batch: unknown } }).session.batch = d1Batch(client as unknown as D1Client);
  // DrizzleD1Database and LibSQLDatabase are both BaseSQLiteDatabase<'async', RunResult, schema>; only the
  // RunResult type differs (D1Result vs ResultSet), and no feature reads it (see above).
  return db as unknown as Db;
}
