// `db backup <file> [--force]` and `db restore <file> [--yes]`: a consistent copy of the embedded libsql
// database, and putting one back. Both work on the file named by DATABASE_URL; a remote database (Turso,
// sqld) is backed up with its own tools.
//
// Backup: `VACUUM INTO` writes a consistent, compact copy (one file, no WAL) while the service runs; it goes
// to a temporary name beside the target and is renamed into place, so a half-written backup never has the
// backup's name.
// Restore: the file must be a SQLite database of this service (integrity check, drizzle's migrations
// table, the core tables); the service must not be running; the current database is kept beside itself
// as `<db>.before-restore`; the backup is copied to a temporary name beside the database, checked again,
// and renamed over it (its stale WAL and shared-memory files removed first); then pending migrations run.
import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { type Client, createClient } from '@libsql/client';
import { migrateDatabase, openLibsqlDatabase } from '../../adapters/db-libsql.js';
import { parseConfig } from '../../config.js';
import { expectedMigrations } from '../../db/readiness.js';
import { defineCommand } from './command.js';
import type { CliContext } from './io.js';

const SQLITE_HEADER = 'SQLite format 3\u0000';
/** Tables a database of this service has; a file without them is not one of its backups. */
const coreTables = [
  '__drizzle_migrations',
  'authorities',
  'mailboxes',
  'advisories',
  'deliveries',
  'audit_log',
];

class DbCommandError extends Error {}

/** The local file behind DATABASE_URL, or an error that says what to do instead. */
function databaseFile(url: string): string {
  if (!url.startsWith('file:')) {
    throw new DbCommandError(
      `DATABASE_URL (${url.replace(/\/\/[^@/]*@/, '//…@')}) is a remote libsql server (Turso or sqld). ` +
        "Back it up and restore it with Turso's own tools (e.g. `turso db shell <name> .dump > backup.sql`, " +
        "or Turso's point-in-time restore: `turso db create <new> --from-db <name> --timestamp …`), not this command.",
    );
  }
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (!path || path === ':memory:')
    throw new DbCommandError('DATABASE_URL is an in-memory database: there is no file to back up.');
  return resolve(path);
}

function isSqliteFile(path: string): boolean {
  try {
    if (statSync(path).size < 100) return false;
    const fd = openSync(path, 'r');
    try {
      const header = Buffer.alloc(16);
      readSync(fd, header, 0, 16, 0);
      return header.toString('latin1') === SQLITE_HEADER;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Why a file is not a usable backup of this service, or null when it is one; with its migration count. */
async function inspectBackup(
  path: string,
): Promise<{ problem: string | null; migrations: number; counts: Record<string, number> }> {
  const none = { migrations: 0, counts: {} };
  if (!existsSync(path)) return { problem: `${path} does not exist.`, ...none };
  if (!isSqliteFile(path)) return { problem: `${path} is not a SQLite database.`, ...none };
  let client: Client | undefined;
  try {
    client = createClient({ url: `file:${path}` });
    const check = await client.execute('PRAGMA quick_check');
    const verdict = String(check.rows[0]?.[0] ?? '');
    if (verdict !== 'ok') return { problem: `${path} is damaged (quick_check: ${verdict}).`, ...none };
    const tables = new Set(
      (await client.execute("select name from sqlite_master where type = 'table'")).rows.map((r) =>
        String(r.name),
      ),
    );
    const missing = coreTables.filter((t) => !tables.has(t));
    if (missing.length)
      return {
        problem: `${path} is a SQLite database, but not one of this service (no ${missing.join(', ')}).`,
        ...none,
      };
    const migrations = Number(
      (await client.execute('select count(*) as n from __drizzle_migrations')).rows[0]?.n ?? 0,
    );
    if (migrations > expectedMigrations)
      return {
        problem: `${path} was made by a newer version of the service (${migrations} migrations; this one knows ${expectedMigrations}).`,
        migrations,
        counts: {},
      };
    const counts: Record<string, number> = {};
    for (const t of ['authorities', 'mailboxes', 'advisories', 'deliveries'])
      counts[t] = Number((await client.execute(`select count(*) as n from ${t}`)).rows[0]?.n ?? 0);
    return { problem: null, migrations, counts };
  } catch (err) {
    return { problem: `${path} could not be read as a database: ${(err as Error).message}`, ...none };
  } finally {
    client?.close();
  }
}

const describeCounts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');

async function backup(ctx: CliContext, file: string, values: { force?: boolean }): Promise<number> {
  const target = resolve(file);
  const config = parseConfig(process.env);
  const source = databaseFile(config.DATABASE_URL);
  if (target === source) throw new DbCommandError('The backup cannot be the database file itself.');
  if (existsSync(target) && !values.force)
    throw new DbCommandError(`${target} exists already: choose another name, or add --force to replace it.`);
  if (!existsSync(source)) throw new DbCommandError(`There is no database at ${source} to back up.`);
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  const database = await openLibsqlDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
  try {
    // One read transaction: the copy is of one moment, while the service goes on writing.
    await database.client.execute({ sql: 'VACUUM INTO ?', args: [partial] });
  } finally {
    database.close();
  }
  const inspected = await inspectBackup(partial);
  if (inspected.problem) {
    rmSync(partial, { force: true });
    throw new DbCommandError(`The copy failed its check: ${inspected.problem}`);
  }
  renameSync(partial, target);
  ctx.io.out(
    `Backed up ${source} to ${target} (${statSync(target).size} bytes; ${describeCounts(inspected.counts)}).`,
  );
  return 0;
}

/** Whether something answers the service's health check at its configured address. */
async function serviceAnswers(host: string, port: number): Promise<string | null> {
  if (port === 0) return null;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    return res.ok ? url : null;
  } catch {
    return null;
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function restore(ctx: CliContext, file: string, values: { yes?: boolean }): Promise<number> {
  const backupFile = resolve(file);
  const config = parseConfig(process.env);
  const target = databaseFile(config.DATABASE_URL);
  if (backupFile === target) throw new DbCommandError('That file is the database itself.');

  const inspected = await inspectBackup(backupFile);
  if (inspected.problem) throw new DbCommandError(`Not restored: ${inspected.problem}`);

  const running = await serviceAnswers(config.HOST, config.PORT);
  if (running)
    throw new DbCommandError(
      `Not restored: the service answers at ${running}. Stop it first (it holds the database open), then restore.`,
    );
  ctx.io.err(`Restoring ${backupFile} (${describeCounts(inspected.counts)}) over ${target}.`);
  if (!values.yes && !(await confirm('Replace the database with this backup?'))) {
    ctx.io.err('Not restored: add --yes to restore without being asked.');
    return 1;
  }

  const keep = `${target}.before-restore`;
  if (existsSync(target)) {
    // The current database, consistently (its WAL included), in case the restore was a mistake.
    rmSync(keep, { force: true });
    const current = await openLibsqlDatabase(config.DATABASE_URL);
    try {
      await current.client.execute({ sql: 'VACUUM INTO ?', args: [keep] });
      await current.client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      current.close();
    }
    ctx.io.err(`Kept the current database as ${keep}.`);
  }
  const temp = join(dirname(target), `.${basename(target)}.restore-${process.pid}`);
  rmSync(temp, { force: true });
  copyFileSync(backupFile, temp);
  const copied = await inspectBackup(temp);
  if (copied.problem) {
    rmSync(temp, { force: true });
    throw new DbCommandError(`Not restored: the copy failed its check: ${copied.problem}`);
  }
  // A WAL left beside the old file would be replayed onto the new one: remove it before the swap.
  for (const f of [`${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
  renameSync(temp, target);

  const restored = await openLibsqlDatabase(config.DATABASE_URL);
  try {
    await migrateDatabase(restored.db);
  } finally {
    restored.close();
  }
  ctx.io.out(`Restored ${target} from ${backupFile} (${describeCounts(inspected.counts)}).`);
  return 0;
}

/** A refusal of the db commands is said plainly (exit 1), not as an error with a stack. */
async function plainly(ctx: CliContext, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DbCommandError) {
      ctx.io.err(err.message);
      return 1;
    }
    throw err;
  }
}

const db = defineCommand('db', [
  {
    verb: 'backup',
    summary: 'a consistent copy of the database file (VACUUM INTO); --force replaces an existing file',
    args: [{ name: '<file>' }],
    options: { force: { type: 'boolean' } },
    run: (ctx, { args, values }) =>
      plainly(ctx, () => backup(ctx, args[0] as string, { force: values.force === true })),
  },
  {
    verb: 'restore',
    summary: 'replace the database with a backup (the service must be stopped; keeps <db>.before-restore)',
    args: [{ name: '<file>' }],
    options: { yes: { type: 'boolean' } },
    run: (ctx, { args, values }) =>
      plainly(ctx, () => restore(ctx, args[0] as string, { yes: values.yes === true })),
  },
]);

export const dbUsage = db.usage;
export const dbCommand = db.run;
