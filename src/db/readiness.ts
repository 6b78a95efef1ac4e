// Readiness: the database answers and every migration in drizzle/ has been applied.
import { sql } from 'drizzle-orm';
import journal from '../../drizzle/meta/_journal.json' with { type: 'json' };
import type { Db } from './client.js';

export const expectedMigrations = journal.entries.length;

export async function databaseReadiness(db: Db): Promise<{ ok: boolean; detail: string }> {
  try {
    await db.run(sql`select 1`);
  } catch (err) {
    return { ok: false, detail: `database unreachable: ${(err as Error).message}` };
  }
  // drizzle's migrator keeps __drizzle_migrations; wrangler (D1) keeps d1_migrations.
  const tables = await db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name in ('__drizzle_migrations', 'd1_migrations')`,
  );
  const table = tables[0]?.name;
  if (!table) return { ok: false, detail: 'no migrations have been applied' };
  const [row] = await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`));
  const applied = Number(row?.n ?? 0);
  if (applied < expectedMigrations)
    return { ok: false, detail: `${applied} of ${expectedMigrations} migrations applied` };
  return { ok: true, detail: `${applied} migrations applied` };
}
