// A race made certain: the next few batch writes are held until every one of them has been asked for, so
// each request has read what it read before any of them writes (the interleaving a transition must survive,
// which two requests fired with Promise.all do not reliably produce on an in-memory database).
import type { Db } from '../../src/db/client.js';

/**
 * Holds the next `n` `db.batch` calls until all `n` have arrived (or `waitMs` after the first, when a
 * request stopped before writing), then lets them run in the order they came. Later batches pass at once.
 */
export function writesAtOnce(db: Db, n = 2, waitMs = 1000): void {
  const batch = db.batch.bind(db);
  const waiting: Array<() => void> = [];
  let open = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const openAll = () => {
    open = true;
    clearTimeout(timer);
    for (const go of waiting.splice(0)) go();
  };
  const held: Db['batch'] = async (items) => {
    if (!open)
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 1) timer = setTimeout(openAll, waitMs);
        if (waiting.length >= n) openAll();
      });
    return batch(items);
  };
  db.batch = held;
}
