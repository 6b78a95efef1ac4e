// Bookkeeping on the way through a request (a token's last use, a session's last activity): worth keeping,
// never worth holding up or failing the request. Callers write it at most every few minutes; it runs beside
// the answer (handed to waitUntil on Workers), through `deps.bookkeepingDb` (on Node a connection that never
// waits for another writer's lock), and a busy database only postpones it: the row still looks stale, so a
// later request writes it.
import type { Context } from 'hono';
import { isDatabaseBusy } from '../../db/busy.js';
import type { Db } from '../../db/client.js';
import type { AppEnv, Deps } from '../../deps.js';
import { inBackground } from '../../lib/background.js';

/** Hands a bookkeeping write on; it never throws and never makes the caller wait. */
export type Bookkeeping = (what: string, write: (db: Db) => Promise<unknown>) => void;

/** Writes it now: a busy database postpones it (logged), any other failure is logged; never throws. */
export async function keepBooks(
  deps: Deps,
  what: string,
  write: (db: Db) => Promise<unknown>,
): Promise<void> {
  try {
    await write(deps.bookkeepingDb ?? deps.db);
  } catch (err) {
    if (isDatabaseBusy(err)) deps.log.info('bookkeeping postponed: the database is busy', { what });
    else deps.log.warn('bookkeeping failed', { what, err });
  }
}

/** Bookkeeping beside the request's answer: tracked like other background work (waitUntil on Workers). */
export function bookkeepingFor(c: Context<AppEnv>): Bookkeeping {
  const deps = c.var.deps;
  return (what, write) => inBackground(c, deps.db, c.var.log ?? deps.log, what, keepBooks(deps, what, write));
}

/** Without a request (the CLI, tests): written beside the caller, never awaited. */
export const detachedBookkeeping =
  (deps: Deps): Bookkeeping =>
  (what, write) => {
    void keepBooks(deps, what, write);
  };
