// Whether a database error only says another writer held the lock: the write was rolled back whole and may
// be tried again. The app answers such a request 503; bookkeeping just postpones its write.

/** SQLITE_BUSY (libsql, Turso) or D1's "database is locked", however deep in the error's causes. */
export function isDatabaseBusy(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
    if (typeof message === 'string' && /SQLITE_BUSY|database is locked/i.test(message)) return true;
  }
  return false;
}
