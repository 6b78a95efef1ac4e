// The test app on a database that, like a networked one (Turso, D1), answers every statement on a later
// turn of the event loop. A local :memory: database answers at once, so a request runs from its read to
// its write without letting another in; here two requests started together interleave between their reads
// and their writes, which is what the race tests need to show.
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import type { Db } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';
import { makeTestApp, type TestAppOptions } from './app.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function onLaterTurns(client: Client): Client {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'execute' || prop === 'batch')
        return async (...args: unknown[]) => {
          await nextTurn();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      return value.bind(target);
    },
  });
}

export async function makeRacingApp(options: TestAppOptions = {}) {
  const database = await openLibsqlDatabase(':memory:');
  await migrateDatabase(database.db);
  const db = drizzle(onLaterTurns(database.client), { schema }) as Db;
  const t = await makeTestApp({ ...options, deps: { ...options.deps, db } });
  return {
    ...t,
    db,
    client: database.client,
    close() {
      t.close();
      database.close();
    },
  };
}
