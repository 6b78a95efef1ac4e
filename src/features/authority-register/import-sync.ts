// Syncing the register from its public source (REGISTER_SOURCE_URL), on demand and once at start-up
// when the register is empty.
import { count } from 'drizzle-orm';
import { authorities } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { fetchSource } from './import-fetch.js';
import { type ImportOptions, importRegister, type RegisterImportReport } from './import-register.js';

export interface UrlImportOptions extends ImportOptions {
  signal?: AbortSignal;
}

/** Downloads the register CSV from `url` and imports it. */
export async function importRegisterFromUrl(
  deps: Deps,
  actor: ActorContext,
  url: string,
  options: UrlImportOptions = {},
): Promise<RegisterImportReport> {
  const bytes = await fetchSource(deps, url, {
    signal: options.signal,
    onProgress: options.onProgress,
    accept: 'text/csv, text/plain;q=0.9, */*;q=0.1',
  });
  return importRegister(deps, actor, { content: bytes, source: url }, options);
}

/** Imports the register from the configured source, REGISTER_SOURCE_URL. */
export function syncRegister(
  deps: Deps,
  actor: ActorContext,
  options: UrlImportOptions = {},
): Promise<RegisterImportReport> {
  return importRegisterFromUrl(deps, actor, deps.config.REGISTER_SOURCE_URL, options);
}

export type StartupSyncResult =
  | { status: 'disabled' | 'not-empty' }
  | { status: 'loaded'; report: RegisterImportReport }
  | { status: 'failed'; reason: string };

/**
 * At start-up: when the register is empty (and REGISTER_SYNC_ON_EMPTY is on), load it from the source once.
 * Never throws: offline, it logs one warn line saying how to load the register by hand.
 */
export async function syncRegisterIfEmpty(
  deps: Deps,
  options: { signal?: AbortSignal } = {},
): Promise<StartupSyncResult> {
  if (!deps.config.REGISTER_SYNC_ON_EMPTY) return { status: 'disabled' };
  const source = deps.config.REGISTER_SOURCE_URL;
  try {
    const [row] = await deps.db.select({ n: count() }).from(authorities);
    if ((row?.n ?? 0) > 0) return { status: 'not-empty' };
    const report = await syncRegister(deps, { principal: systemPrincipal }, { signal: options.signal });
    deps.log.info('register loaded from its source', {
      source,
      added: report.counts.added,
      rejected: report.counts.rejected,
      current: report.current,
      former: report.former,
    });
    return { status: 'loaded', report };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    deps.log.warn(
      'register is empty and the source could not be loaded; load it with npm run cli -- register import <file>',
      { source, reason },
    );
    return { status: 'failed', reason };
  }
}
