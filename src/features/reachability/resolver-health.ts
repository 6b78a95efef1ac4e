// Whether a check run's DNS answers can be believed. A resolver that answers "no such domain" for
// everything (a captive or broken one, a firewall) would otherwise prove 397 councils unreachable in one
// run. A run first asks for names that must exist (the mail domain, DNS_CONTROL_NAMES); and a run in which
// an implausible share of domains fail in the same way is not believed either. Either way every domain of
// the run counts as temporary, and the state is kept (`dns_resolver`) for /metrics, the log and the CLI.
import { eq } from 'drizzle-orm';
import { mailDomainProblem } from '../../config.js';
import { dnsResolver } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { mailDomain } from '../../mail/message-ids.js';
import type { Resolver } from '../../ports/resolver.js';

/** The names that must resolve: DNS_CONTROL_NAMES, and the mail domain when it is a name on the internet. */
export function controlNames(config: Deps['config']): string[] {
  const own = mailDomain(config);
  const names = [...config.DNS_CONTROL_NAMES];
  if (!mailDomainProblem(own) && !/\.(test|example|invalid|localhost)$/.test(own)) names.unshift(own);
  return [...new Set(names)];
}

/** Null when every control name exists (an address or an MX); else why the resolver is not believed. */
export async function proveResolver(resolver: Resolver, names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    const [a, mx] = await Promise.all([resolver.resolve4(name), resolver.resolveMx(name)]);
    if (a.status === 'found' || mx.status === 'found') continue;
    const answer = a.status === 'temporary' ? a.reason : mx.status === 'temporary' ? mx.reason : a.reason;
    return `the control name ${name}, which must exist, did not resolve (${answer})`;
  }
  return null;
}

/** The least number of domains, and the share of a run, failing alike that is not believed. */
const IMPLAUSIBLE_AT_LEAST = 5;
const IMPLAUSIBLE_SHARE = 0.5;

/**
 * Null when the run's definite failures look like the world; else why not: at least 5 domains, and half
 * of the run, said to take no mail for the same reason (every council losing its domain at once is far
 * less likely than a resolver failing).
 */
export function implausibleRun(codes: ReadonlyArray<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const code of codes) if (code) counts.set(code, (counts.get(code) ?? 0) + 1);
  for (const [code, n] of counts)
    if (n >= IMPLAUSIBLE_AT_LEAST && n >= IMPLAUSIBLE_SHARE * codes.length)
      return `${n} of the ${codes.length} domains in this run were said to take no mail for the same reason (${code}), which is far likelier to be our resolver failing than the domains`;
  return null;
}

const ROW = 'default';

/** Records what this run found of the resolver; logs once when it starts and when it stops failing. */
export async function recordResolverHealth(deps: Pick<Deps, 'db' | 'clock' | 'log'>, reason: string | null) {
  const now = deps.clock.now();
  const [before] = await deps.db.select().from(dnsResolver).where(eq(dnsResolver.id, ROW));
  const failing = reason !== null;
  if (failing && !before?.failing)
    deps.log.warn('DNS resolver not believed: every domain in this check run counts as temporary', {
      reason,
    });
  if (!failing && before?.failing)
    deps.log.info('DNS resolver believed again', { failedSince: before.failingSince });
  const row = {
    failing,
    reason,
    failingSince: failing ? (before?.failing ? before.failingSince : now) : null,
    checkedAt: now,
  };
  await deps.db
    .insert(dnsResolver)
    .values({ id: ROW, ...row })
    .onConflictDoUpdate({ target: dnsResolver.id, set: row });
}

export async function resolverHealth(deps: Pick<Deps, 'db'>) {
  const [row] = await deps.db.select().from(dnsResolver).where(eq(dnsResolver.id, ROW));
  return row ?? null;
}
