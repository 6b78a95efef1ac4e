// Running the checks of one domain and storing them: one row per kind, every run kept, in ONE batch with
// what the run changes on the mailboxes. A domain that definitely takes no mail (null MX, no such domain,
// no MX and no address) marks its live mailboxes unreachable; when it takes mail again, the mark that
// came from DNS is lifted (each a mailbox transition, audited only when it happens). A temporary DNS
// failure records `temporary` and changes no mailbox.

import { and, isNull, like, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { domainChecks, mailboxes } from '../../db/schema.js';
import { liveMailboxStatesSql } from '../../db/vocabulary.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { type ApplyOptions, inBatchOrder } from '../audit/transitions.js';
import { checkDmarc } from '../checks/dmarc.js';
import type { CheckResult } from '../checks/findings.js';
import { lastCheckedAt } from '../checks/latest.js';
import { checkMtaSts } from '../checks/mta-sts.js';
import { checkMx } from '../checks/mx.js';
import { checkSecurityTxt } from '../checks/security-txt.js';
import { checkSpf } from '../checks/spf.js';
import { domainOf } from '../checks/status.js';
import { checkTlsRpt } from '../checks/tls-rpt.js';
import { mailboxTransitions } from '../mailboxes/transitions.js';
import type { MailboxRow } from '../mailboxes/view.js';

/** The prefix of `unreachableReason` when DNS (not a bounce) showed the domain takes no mail. */
export const DNS_REASON_PREFIX = 'dns: ';

/** Mailboxes whose domains are checked: pending, awaiting handover or confirmed (a domain waiting for approval is not yet vouched for). */
const checkedStates = ['pending', 'awaiting-handover', 'confirmed'] as const;

export interface DomainCheckRun {
  domain: string;
  checkedAt: string;
  results: CheckResult[];
  /** Mailboxes this run marked unreachable, and those whose DNS mark it lifted. */
  markedUnreachable: string[];
  restored: string[];
}

/** The distinct domains of the mailboxes whose domains are checked. */
export async function mailboxDomains(deps: Pick<Deps, 'db'>): Promise<string[]> {
  const rows = await deps.db
    .selectDistinct({ address: mailboxes.address })
    .from(mailboxes)
    .where(inList(mailboxes.state, [...checkedStates]));
  return [...new Set(rows.map((r) => domainOf(r.address)))].sort();
}

async function mailboxesOn(deps: Deps, domain: string) {
  return deps.db
    .select()
    .from(mailboxes)
    .where(and(inList(mailboxes.state, [...checkedStates]), like(mailboxes.address, `%@${domain}`)));
}

export async function runDomainChecks(
  deps: Deps,
  domain: string,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<DomainCheckRun> {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const live = (await mailboxesOn(deps, name)).filter((m) => domainOf(m.address) === name);
  const mx = await checkMx(deps.resolver, name);
  const results: CheckResult[] = [
    mx.result,
    ...(await Promise.all([
      deps.resolver.resolveTxt(name).then((txt) => checkSpf(name, txt)),
      checkDmarc(deps.resolver, name),
      checkMtaSts(deps, deps.resolver, name, mx.hosts),
      checkTlsRpt(deps.resolver, name),
      checkSecurityTxt(
        deps,
        name,
        live.filter((m) => m.state === 'confirmed').map((m) => m.address),
      ),
    ])),
  ];
  const now = deps.clock.now();
  const items: BatchItem[] = results.map((r) =>
    deps.db.insert(domainChecks).values({
      domain: name,
      kind: r.kind,
      severity: r.severity,
      summary: r.summary,
      detail: r.detail,
      checkedAt: now,
    }),
  );

  const changes = mailboxChanges(deps, actor, name, live, mx, now);
  const offset = items.length;
  items.push(...changes.flatMap((c) => c.items));
  const written = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  // What really changed: each transition's UPDATE … RETURNING (another run may have got there first).
  let position = offset;
  const changed = changes.filter((c) => {
    const rows = written[position + c.update] as unknown[];
    position += c.items.length;
    return rows.length > 0;
  });
  const markedUnreachable = changed.filter((c) => c.name === 'unreachable').map((c) => c.id);
  const restored = changed.filter((c) => c.name === 'reachable').map((c) => c.id);

  const log = deps.log.child({ domain: name });
  for (const id of markedUnreachable)
    log.warn('mailbox marked unreachable: its domain takes no mail', { mailbox: id });
  log.info('domain checked', {
    severities: Object.fromEntries(results.map((r) => [r.kind, r.severity])),
    markedUnreachable: markedUnreachable.length,
    restored: restored.length,
  });
  return { domain: name, checkedAt: now.toISOString(), results, markedUnreachable, restored };
}

interface MailboxChange {
  name: 'unreachable' | 'reachable';
  id: string;
  items: BatchItem[];
  /** Where its UPDATE … RETURNING sits in `items`. */
  update: number;
}

/**
 * What the MX result means for the live mailboxes on the domain: takes no mail, each not yet unreachable
 * is marked so; takes mail, each marked unreachable by DNS is restored; a temporary failure changes none.
 */
function mailboxChanges(
  deps: Deps,
  actor: ActorContext,
  domain: string,
  live: MailboxRow[],
  mx: Awaited<ReturnType<typeof checkMx>>,
  at: Date,
): MailboxChange[] {
  const change = (name: MailboxChange['name'], id: string, options: ApplyOptions<typeof mailboxes>) => {
    const parts = mailboxTransitions.statements(deps.db, actor, name, id, { ...options, at });
    return { name, id, items: inBatchOrder(parts), update: parts.before.length };
  };
  if (mx.takesNoMail) {
    const reason = `${DNS_REASON_PREFIX}${mx.result.summary}`.slice(0, 500);
    return live
      .filter((m) => !m.unreachableAt)
      .map((m) =>
        change('unreachable', m.id, {
          set: { unreachableAt: at, unreachableReason: reason },
          when: isNull(mailboxes.unreachableAt),
          audit: { after: { reason, domain } },
        }),
      );
  }
  if (mx.result.severity === 'temporary') return [];
  return live
    .filter((m) => m.unreachableReason?.startsWith(DNS_REASON_PREFIX))
    .map((m) =>
      change('reachable', m.id, {
        set: { unreachableAt: null, unreachableReason: null },
        when: like(mailboxes.unreachableReason, `${DNS_REASON_PREFIX}%`),
        audit: { before: { reason: m.unreachableReason }, after: { domain, mx: mx.result.summary } },
      }),
    );
}

export interface RunChecksOptions {
  /** At most this many domains (the ones checked longest ago first). */
  limit?: number;
  /** Only domains not checked within CHECKS_INTERVAL_HOURS. */
  dueOnly?: boolean;
  signal?: AbortSignal;
  onDomain?: (run: DomainCheckRun) => void;
}

/**
 * Checks the mailbox domains, oldest check first. The scheduler calls it often with `dueOnly` and a limit,
 * so the domains spread across CHECKS_INTERVAL_HOURS instead of all being checked at once. Two instances
 * running it together at worst check a domain twice.
 */
export async function runChecks(deps: Deps, options: RunChecksOptions = {}): Promise<DomainCheckRun[]> {
  const domains = await mailboxDomains(deps);
  const last = await lastCheckedAt(deps, domains);
  const cutoff = deps.clock.now().getTime() - deps.config.CHECKS_INTERVAL_HOURS * 3600_000;
  const order = domains
    .filter((d) => !options.dueOnly || (last.get(d) ?? 0) <= cutoff)
    .sort((a, b) => (last.get(a) ?? 0) - (last.get(b) ?? 0) || (a < b ? -1 : 1))
    .slice(0, options.limit ?? Number.POSITIVE_INFINITY);
  const runs: DomainCheckRun[] = [];
  for (const domain of order) {
    if (options.signal?.aborted) break;
    try {
      const run = await runDomainChecks(deps, domain);
      runs.push(run);
      options.onDomain?.(run);
    } catch (err) {
      deps.log.error('domain checks failed', { domain, err });
    }
  }
  return runs;
}

/** Whether the domain is one the service may check on demand: a live mailbox's or an authority's. */
export async function isKnownDomain(deps: Pick<Deps, 'db'>, domain: string): Promise<boolean> {
  const rows = await deps.db.all<{ n: number }>(sql`
    select 1 as n from mailboxes
      where state in (${liveMailboxStatesSql}) and lower(address) like ${`%@${domain}`}
    union all
    select 1 as n from authority_domains where domain = ${domain}
    limit 1`);
  return rows.length > 0;
}
