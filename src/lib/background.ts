// Work that must not hold up the answer (e.g. sending a sign-in link, so the response time does not
// reveal whether an address is registered). On Workers it is handed to waitUntil; on Node it runs on.
// Either way it is tracked, so graceful shutdown and tests can wait for it.
import type { Context } from 'hono';
import type { Logger } from '../ports/logger.js';

const running = new WeakMap<object, Set<Promise<unknown>>>();

export function inBackground(
  c: Context,
  owner: object,
  log: Logger,
  what: string,
  work: Promise<unknown>,
): void {
  const tracked = work.catch((err) => log.error(`background ${what} failed`, { err }));
  let set = running.get(owner);
  if (!set) {
    set = new Set();
    running.set(owner, set);
  }
  set.add(tracked);
  void tracked.finally(() => set.delete(tracked));
  try {
    c.executionCtx.waitUntil(tracked);
  } catch {
    // No execution context (Node): the promise simply runs on.
  }
}

/** Waits for every piece of background work started for `owner`. */
export async function settleBackground(owner: object): Promise<void> {
  const set = running.get(owner);
  while (set && set.size > 0) await Promise.allSettled([...set]);
}
