// Running the checks of one domain and storing them: one row per kind, every run kept, in ONE batch with
// what the run changes on the mailboxes. A domain that definitely takes no mail (null MX, no such domain,
// no MX and no address) marks its live mailboxes unreachable; when it takes mail again, the mark that
// came from DNS is lifted (each a mailbox transition, audited only when it happens). A temporary DNS
// failure records `temporary` and changes no mailbox.

import { isNull, like, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { domainChecks, mailboxes } from '../../db/schema.js';
import { liveMailboxStatesSql } from '../../db/vocabulary.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import type { Resolver } from '../../ports/resolver.js';
import { type ApplyOptions, inBatchOrder } from '../audit/transitions.js';
import { checkDmarc } from '../checks/dmarc.js';
import { type CheckResult, checkResult, type Finding, finding, findingCodes } from '../checks/findings.js';
import { lastCheckedAt, latestChecksFor, type StoredCheck } from '../checks/latest.js';
import { checkMtaSts } from '../checks/mta-sts.js';
import { checkMx, type MxOutcome } from '../checks/mx.js';
import { runResolver } from '../checks/run-resolver.js';
import { checkSecurityTxt } from '../checks/security-txt.js';
import { checkSpf } from '../checks/spf.js';
import { domainOf, type MailboxStatus, mailboxStatusDetail } from '../checks/status.js';
import { checkTlsRpt } from '../checks/tls-rpt.js';
import { mailboxTransitions } from '../mailboxes/transitions.js';
import type { MailboxRow } from '../mailboxes/view.js';
import { controlNames, implausibleRun, proveResolver, recordResolverHealth } from './resolver-health.js';

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
  /** Each live mailbox on the domain as it stands after this run: its status and why. */
  mailboxes: Array<{ id: string; address: string; status: MailboxStatus; reasons: string[] }>;
}

/** The distinct domains of the mailboxes whose domains are checked. */
export async function mailboxDomains(deps: Pick<Deps, 'db'>): Promise<string[]> {
  const rows = await deps.db
    .selectDistinct({ address: mailboxes.address })
    .from(mailboxes)
    .where(inList(mailboxes.state, [...checkedStates]));
  return [...new Set(rows.map((r) => domainOf(r.address)))].sort();
}

/** What one domain's checks found, before anything is stored. */
interface Gathered {
  domain: string;
  live: MailboxRow[];
  mx: MxOutcome;
  results: CheckResult[];
}

/** The code of the finding that says the domain takes no mail (null MX, no such domain …), or null. */
function noMailCode(mx: MxOutcome): string | null {
  if (!mx.takesNoMail) return null;
  return (
    (mx.result.detail?.findings as Finding[] | undefined)?.find((f) => f.severity === 'critical')?.code ??
    'no-mail'
  );
}

const temporaryMx = (message: string) => checkResult('mx', [finding('dns-temporary', 'temporary', message)]);

/** Runs one domain's checks (DNS and HTTPS) within its time budget: past it, the domain is temporary. */
async function gatherDomain(
  deps: Deps,
  resolver: Resolver,
  name: string,
  live: MailboxRow[],
): Promise<Gathered> {
  const budget = deps.config.CHECKS_DOMAIN_BUDGET_MS;
  const work = (async (): Promise<Gathered> => {
    // The DNS checks at once (only MTA-STS needs the MX hosts), so a slow domain costs one wait, not five.
    const mxCheck = checkMx(resolver, name);
    resolver.resolveTxt(`_mta-sts.${name}`).catch(() => {}); // asked now, read by the MTA-STS check
    const dnsChecks = Promise.all([
      checkSpf(resolver, name),
      checkDmarc(resolver, name),
      checkTlsRpt(resolver, name),
    ]);
    dnsChecks.catch(() => {}); // reported through the await below, or not needed
    const mx = await mxCheck;
    // A domain that does not exist has no SPF, DMARC or MTA-STS either: saying so is noise.
    if (noMailCode(mx) === 'domain-not-found') return { domain: name, live, mx, results: [mx.result] };
    const [spf, dmarc, tlsRpt] = await dnsChecks;
    const [mtaSts, securityTxt] = await Promise.all([
      checkMtaSts(deps, resolver, name, mx.hosts),
      checkSecurityTxt(
        deps,
        name,
        live.filter((m) => m.state === 'confirmed').map((m) => m.address),
      ),
    ]);
    const results: CheckResult[] = [mx.result, spf, dmarc, mtaSts, tlsRpt, securityTxt];
    return { domain: name, live, mx, results };
  })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Gathered>((resolve) => {
    timer = setTimeout(() => {
      const message = `The checks of ${name} took longer than ${budget < 10_000 ? (budget / 1000).toFixed(1) : Math.round(budget / 1000)} s (slow DNS or web servers). We will try again; nothing has been changed.`;
      resolve({
        domain: name,
        live,
        mx: { result: temporaryMx(message), hosts: [], takesNoMail: false },
        results: [temporaryMx(message)],
      });
    }, budget);
  });
  work.catch(() => {}); // a late failure after the budget is not reported twice
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** How many more mailboxes this run may still mark unreachable. */
interface UnreachableBudget {
  left: number;
}

/** The budget of a run: UNREACHABLE_MAX_SHARE of the live mailboxes, at least 5. */
async function unreachableBudget(deps: Deps): Promise<UnreachableBudget> {
  const [row] = await deps.db.all<{ n: number }>(
    sql`select count(*) as n from mailboxes where state in ('pending', 'awaiting-handover', 'confirmed')`,
  );
  return { left: Math.max(5, Math.ceil(deps.config.UNREACHABLE_MAX_SHARE * Number(row?.n ?? 0))) };
}

/**
 * Stores one domain's results and what they change, in one batch. Not believed (the resolver failed its
 * controls, or the run was implausible): one temporary MX result, no change. A domain that takes no mail
 * marks its mailboxes unreachable only when the previous definite MX check, at least
 * UNREACHABLE_CONFIRM_MINUTES before, said the same, and while the run's budget lasts.
 */
async function recordDomain(
  deps: Deps,
  actor: ActorContext,
  g: Gathered,
  options: { distrust: string | null; budget: UnreachableBudget },
): Promise<DomainCheckRun> {
  const name = g.domain;
  const now = deps.clock.now();
  let { results, mx } = g;
  const log = deps.log.child({ domain: name });
  if (options.distrust) {
    const result = temporaryMx(
      `We could not trust our DNS resolver in this run (${options.distrust}). We will try again; nothing has been marked unreachable.`,
    );
    results = [result];
    mx = { result, hosts: [], takesNoMail: false };
  }
  let markUnreachable = false;
  const code = noMailCode(mx);
  if (code) {
    const since = await sameAnswerSince(deps, name, code);
    const gapMs = deps.config.UNREACHABLE_CONFIRM_MINUTES * 60_000;
    const confirmed = since !== null && now.getTime() - since.getTime() >= gapMs;
    const toMark = g.live.filter((m) => !m.unreachableAt).length;
    let note: Finding | null = null;
    if (!confirmed)
      note = finding(
        'unreachable-pending',
        'info',
        `Its mailboxes are not marked unreachable on one look: if the check again finds the same at least ${deps.config.UNREACHABLE_CONFIRM_MINUTES} minutes from now, they will be.`,
      );
    else if (toMark > options.budget.left) {
      note = finding(
        'unreachable-held',
        'info',
        'This run has already marked as many mailboxes unreachable as one run may; the next run will mark these if it finds the same.',
      );
      log.warn('unreachable marks held back: the run reached UNREACHABLE_MAX_SHARE', { mailboxes: toMark });
    } else {
      markUnreachable = true;
      options.budget.left -= toMark;
    }
    if (note) {
      const findings = [...((mx.result.detail?.findings as Finding[] | undefined) ?? []), note];
      const result = checkResult('mx', findings, { ...mx.result.detail, findings: undefined });
      results = results.map((r) => (r.kind === 'mx' ? result : r));
      mx = { ...mx, result };
    }
  }
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

  const changes = mailboxChanges(deps, actor, name, g.live, mx, markUnreachable, now);
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

  for (const id of markedUnreachable)
    log.warn('mailbox marked unreachable: its domain takes no mail', { mailbox: id });
  const statuses = await statusesAfter(
    deps,
    name,
    g.live.map((m) => m.id),
  );
  log.info('domain checked', {
    severities: Object.fromEntries(results.map((r) => [r.kind, r.severity])),
    markedUnreachable: markedUnreachable.length,
    restored: restored.length,
  });
  return {
    domain: name,
    checkedAt: now.toISOString(),
    results,
    markedUnreachable,
    restored,
    mailboxes: statuses,
  };
}

/** The live mailboxes' statuses after a run, from their rows and the domain's latest checks. */
async function statusesAfter(
  deps: Deps,
  domain: string,
  ids: string[],
): Promise<DomainCheckRun['mailboxes']> {
  if (ids.length === 0) return [];
  const rows = await deps.db.select().from(mailboxes).where(inList(mailboxes.id, ids));
  const latest = (await latestChecksFor(deps, [domain])).get(domain);
  const options = { softBounceThreshold: deps.config.SOFT_BOUNCE_THRESHOLD };
  return rows
    .sort((a, b) => (a.address < b.address ? -1 : 1))
    .map((m) => ({ id: m.id, address: m.address, ...mailboxStatusDetail(m, latest, options) }));
}

/**
 * Since when the definite MX checks of the domain have said, without a break, that it takes no mail for
 * this reason (the oldest of the streak); null when the latest definite check said something else.
 */
async function sameAnswerSince(deps: Deps, domain: string, code: string): Promise<Date | null> {
  const rows = await deps.db.all<{ detail: string | null; checked_at: number }>(sql`
    select detail, checked_at from domain_checks
    where domain = ${domain} and kind = 'mx' and severity <> 'temporary'
    order by id desc limit 50`);
  let since: Date | null = null;
  for (const r of rows) {
    const detail = typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail;
    if (!findingCodes(detail).includes(code)) break;
    since = new Date(Number(r.checked_at));
  }
  return since;
}

/** The previous definite MX check of each domain (before this run). */
async function previousMxOf(deps: Deps, domains: string[]): Promise<Map<string, StoredCheck | undefined>> {
  const latest = await latestChecksFor(deps, domains);
  return new Map(
    domains.map((d) => {
      const mx = latest.get(d)?.mx;
      return [d, mx?.severity === 'temporary' ? mx.lastDefinite : mx];
    }),
  );
}

/**
 * Checks these domains with one run resolver, proved first: CHECKS_CONCURRENCY domains at a time, with no
 * pause between them (a slow domain holds up only its own worker), each stored as soon as it is judged.
 * Nothing is stored until a first window of domains (4 × CHECKS_CONCURRENCY, at least 16) has been seen,
 * and every domain is judged against the last window: when half of it fails in the same way the run is no
 * longer believed, the rest is not asked, and every domain still to store counts as temporary.
 */
async function checkDomains(
  deps: Deps,
  actor: ActorContext,
  domains: string[],
  options: { signal?: AbortSignal; onDomain?: (run: DomainCheckRun) => void } = {},
): Promise<DomainCheckRun[]> {
  const resolver = runResolver(deps.resolver);
  let distrust = await proveResolver(resolver, controlNames(deps.config));
  const budget = await unreachableBudget(deps);
  const live = await liveMailboxesOn(deps, domains);
  const concurrency = deps.config.CHECKS_CONCURRENCY;
  const window = Math.min(domains.length, Math.max(16, 4 * concurrency));
  const ready: Gathered[] = [];
  const recent: Array<string | null> = [];
  let seen = 0;
  let gathering = true;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };

  let next = 0;
  const worker = async () => {
    while (next < domains.length && !distrust && !options.signal?.aborted) {
      const domain = domains[next++]!;
      try {
        const g = await gatherDomain(deps, resolver, domain, live.get(domain) ?? []);
        ready.push(g);
        recent.push(noMailCode(g.mx));
        if (recent.length > window) recent.shift();
      } catch (err) {
        deps.log.error('domain checks failed', { domain, err });
      }
      seen++;
      notify();
    }
  };
  const workers = Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, domains.length)) }, worker),
  ).finally(() => {
    gathering = false;
    notify();
  });

  const runs: DomainCheckRun[] = [];
  const store = async (g: Gathered) => {
    try {
      const run = await recordDomain(deps, actor, g, { distrust, budget });
      runs.push(run);
      options.onDomain?.(run);
    } catch (err) {
      deps.log.error('domain checks could not be stored', { domain: g.domain, err });
    }
  };
  let judged = false;
  for (;;) {
    if (!distrust && gathering && (ready.length === 0 || seen < window)) {
      await new Promise<void>((r) => {
        wake = r;
      });
      continue;
    }
    if (!distrust) distrust = implausibleRun(recent);
    if (!judged || distrust) {
      judged = true;
      await recordResolverHealth(deps, distrust);
    }
    const g = ready.shift();
    if (g) await store(g);
    else if (!gathering) break;
    else
      await new Promise<void>((r) => {
        wake = r;
      });
  }
  await workers;
  // Domains not asked once the run was no longer believed: temporary, like the rest.
  const stored = new Set(runs.map((r) => r.domain));
  if (distrust && !options.signal?.aborted)
    for (const domain of domains.slice(next))
      if (!stored.has(domain))
        await store({
          domain,
          live: live.get(domain) ?? [],
          mx: { result: temporaryMx(''), hosts: [], takesNoMail: false },
          results: [],
        });
  return runs;
}

/** The live mailboxes of each domain. */
async function liveMailboxesOn(deps: Deps, domains: string[]): Promise<Map<string, MailboxRow[]>> {
  const wanted = new Set(domains);
  const out = new Map<string, MailboxRow[]>();
  const rows = await deps.db
    .select()
    .from(mailboxes)
    .where(inList(mailboxes.state, [...checkedStates]));
  for (const m of rows) {
    const d = domainOf(m.address);
    if (!wanted.has(d)) continue;
    const list = out.get(d) ?? [];
    list.push(m);
    out.set(d, list);
  }
  return out;
}

/** Domains whose latest definite MX check found they take no mail, with their mailboxes not yet marked. */
async function awaitingSecondLook(deps: Deps, domains: string[]): Promise<Set<string>> {
  const previous = await previousMxOf(deps, domains);
  return new Set(
    [...previous]
      .filter(([, mx]) => {
        const codes = mx ? findingCodes(mx.detail) : [];
        return codes.includes('unreachable-pending') || codes.includes('unreachable-held');
      })
      .map(([d]) => d),
  );
}

/** Checks one domain now (an admin's request, the CLI): the same rules as a sweep. */
export async function runDomainChecks(
  deps: Deps,
  domain: string,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<DomainCheckRun> {
  const name = domain.trim().toLowerCase().replace(/\.$/, '');
  const [run] = await checkDomains(deps, actor, [name]);
  if (!run) throw new Error(`the checks of ${name} could not be run`);
  return run;
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
  mx: MxOutcome,
  markUnreachable: boolean,
  at: Date,
): MailboxChange[] {
  const change = (name: MailboxChange['name'], id: string, options: ApplyOptions<typeof mailboxes>) => {
    const parts = mailboxTransitions.statements(deps.db, actor, name, id, { ...options, at });
    return { name, id, items: inBatchOrder(parts), update: parts.before.length };
  };
  if (mx.takesNoMail) {
    if (!markUnreachable) return [];
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
  const now = deps.clock.now().getTime();
  const cutoff = now - deps.config.CHECKS_INTERVAL_HOURS * 3600_000;
  // A domain found to take no mail once is looked at again as soon as a second look can confirm it.
  const strikes = await awaitingSecondLook(deps, domains);
  const secondLookBy = now - deps.config.UNREACHABLE_CONFIRM_MINUTES * 60_000;
  const due = (d: string) =>
    (last.get(d) ?? 0) <= cutoff || (strikes.has(d) && (last.get(d) ?? 0) <= secondLookBy);
  const order = domains
    .filter((d) => !options.dueOnly || due(d))
    .sort(
      (a, b) =>
        Number(strikes.has(b)) - Number(strikes.has(a)) ||
        (last.get(a) ?? 0) - (last.get(b) ?? 0) ||
        (a < b ? -1 : 1),
    )
    .slice(0, options.limit ?? Number.POSITIVE_INFINITY);
  return checkDomains(deps, { principal: systemPrincipal }, order, options);
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
