// GET /metrics: the service's state and traffic in the Prometheus text exposition format (0.0.4).
// The database figures (deliveries, queue depth, advisories, mailboxes, checks) are read at scrape time,
// so every instance reports the same shared state; the HTTP figures and process memory are this process's
// own (see http-metrics.ts).

import { sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { mailboxes, sendFailures } from '../../db/schema.js';
import type { Deps, ProcessMemory } from '../../deps.js';
import { advisoryStates, deliveryStatuses } from '../../domain/advisory-states.js';
import { checkKinds, checkSeverities } from '../../domain/check-results.js';
import { liveMailboxStates, mailboxKinds, mailboxStates } from '../../domain/mailbox-states.js';
import { smsPurposes } from '../../domain/mobile-states.js';
import { mailLanes } from '../../domain/outbound.js';
import { bounceClasses } from '../../mail/bounce-class.js';
import { latestChecksFor } from '../checks/latest.js';
import { domainOf, mailboxStatusDetail, mailboxStatuses, statusColumns } from '../checks/status.js';
import { queueSummary } from '../outbound/queue-summary.js';
import { resolverHealth } from '../reachability/resolver-health.js';
import { type HttpMetrics, latencyBuckets } from './http-metrics.js';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Record<string, string | number>;

/** A label value with backslash, double quote and line feed escaped, as the format requires. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(l: Labels): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function num(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  return String(Math.round(n * 1e6) / 1e6);
}

class Exposition {
  private lines: string[] = [];
  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string) {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }
  sample(name: string, l: Labels, value: number) {
    this.lines.push(`${name}${labels(l)} ${num(value)}`);
  }
  text() {
    return `${this.lines.join('\n')}\n`;
  }
}

/** Counts per key, with every known key present (0 when absent), so each series always exists. */
function countsOf<K extends string>(
  known: readonly K[],
  rows: Array<{ k: string; n: number }>,
): Map<string, number> {
  const out = new Map<string, number>(known.map((k) => [k, 0]));
  for (const r of rows) out.set(r.k, (out.get(r.k) ?? 0) + Number(r.n));
  return out;
}

/** The process's memory where the runtime tells it (the Node entry passes it in); null elsewhere. */
function readMemory(deps: Deps): ProcessMemory | null {
  try {
    return deps.memoryUsage?.() ?? null;
  } catch {
    return null;
  }
}

export async function renderMetrics(deps: Deps, http: HttpMetrics): Promise<string> {
  const db = deps.db;
  const now = deps.clock.now().getTime();
  const out = new Exposition();

  const [deliveryRows, dueRows, advisoryRows, mailboxRows, checkRows] = await Promise.all([
    db.all<{ k: string; n: number }>(sql`select status as k, count(*) as n from deliveries group by status`),
    db.all<{ due: number; leased: number; waiting: number }>(sql`
      select
        (select count(*) from deliveries d join advisories a on a.id = d.advisory_id
          where a.state = 'sending' and d.status in ('created', 'temporary-failure', 'technical-failure')
            and d.next_attempt_at <= ${now})
        + (select count(*) from deliveries d join advisories a on a.id = d.advisory_id
          where a.state = 'sending' and d.status = 'sending' and d.lease_expires_at <= ${now}) as due,
        (select count(*) from deliveries where status = 'sending' and lease_expires_at > ${now}) as leased,
        (select count(*) from deliveries where status in ('created', 'temporary-failure', 'technical-failure')
            and next_attempt_at > ${now}) as waiting`),
    db.all<{ k: string; n: number }>(sql`select state as k, count(*) as n from advisories group by state`),
    db.all<{ state: string; kind: string; n: number }>(
      sql`select state, kind, count(*) as n from mailboxes group by state, kind`,
    ),
    db.all<{ kind: string; severity: string; n: number }>(sql`
      select c.kind, c.severity, count(*) as n from domain_checks c
      where c.id = (select max(x.id) from domain_checks x where x.domain = c.domain and x.kind = c.kind)
      group by c.kind, c.severity`),
  ]);

  out.family('cc_deliveries', 'gauge', 'Advisory deliveries by status.');
  for (const [status, n] of countsOf(deliveryStatuses, deliveryRows))
    out.sample('cc_deliveries', { status }, n);

  const q = dueRows[0] ?? { due: 0, leased: 0, waiting: 0 };
  out.family('cc_delivery_queue_due', 'gauge', 'Deliveries that a dispatcher may claim now (queue depth).');
  out.sample('cc_delivery_queue_due', {}, Number(q.due));
  out.family(
    'cc_delivery_queue_leased',
    'gauge',
    'Deliveries leased by a dispatcher and not yet written back.',
  );
  out.sample('cc_delivery_queue_leased', {}, Number(q.leased));
  out.family('cc_delivery_queue_waiting', 'gauge', 'Deliveries waiting for a later retry.');
  out.sample('cc_delivery_queue_waiting', {}, Number(q.waiting));

  // The one outbound queue (all mail), lane by lane, and whether sending is paused by a failure of ours.
  const queue = await queueSummary(deps);
  out.family(
    'cc_outbound_queue',
    'gauge',
    'Outbound mail by lane: due now, waiting to retry, held by a live worker, abandoned by a stopped one.',
  );
  for (const l of queue.lanes)
    for (const state of ['due', 'waiting', 'held', 'abandoned'] as const)
      out.sample('cc_outbound_queue', { lane: l.lane, state }, l[state]);
  const mailRows = await db.all<{ lane: string; status: string; n: number }>(
    sql`select lane, status, count(*) as n from outbound_mail group by lane, status`,
  );
  out.family(
    'cc_outbound_mail',
    'gauge',
    'Queued e-mails other than advisory deliveries, by lane and status.',
  );
  for (const lane of mailLanes)
    for (const status of deliveryStatuses) {
      const n = mailRows.find((r) => r.lane === lane && r.status === status)?.n ?? 0;
      out.sample('cc_outbound_mail', { lane, status }, Number(n));
    }
  out.family(
    'cc_mail_sending_paused',
    'gauge',
    '1 while sending is paused by a failure of our own (our mail server refused us): alert on it.',
  );
  out.sample('cc_mail_sending_paused', {}, queue.paused ? 1 : 0);
  const failureRows = await db
    .select({ kind: sendFailures.kind, status: sendFailures.status, count: sendFailures.count })
    .from(sendFailures);
  out.family(
    'cc_mail_send_failures_total',
    'counter',
    'Failed send attempts by kind (SES AccessDeniedException, SMTP RCPT TO 550 …) and status: a rise in technical-failure is our set-up, not the recipients.',
  );
  for (const r of failureRows)
    out.sample('cc_mail_send_failures_total', { kind: r.kind, status: r.status }, Number(r.count));
  const [resent] = await db.all<{ n: number }>(
    sql`select (select count(*) from deliveries where resends > 0) + (select count(*) from outbound_mail where resends > 0) as n`,
  );
  out.family(
    'cc_mail_possibly_duplicated',
    'gauge',
    'Messages taken over from a worker that stopped mid-send (each may have arrived twice).',
  );
  out.sample('cc_mail_possibly_duplicated', {}, Number(resent?.n ?? 0));
  const smsRows = await db.all<{ purpose: string; status: string; n: number }>(
    sql`select purpose, status, count(*) as n from sms_messages group by purpose, status`,
  );
  out.family(
    'cc_sms_messages',
    'gauge',
    'Text messages (codes, urgent heads-ups, escalations, drills) by purpose and status; technical-failure is our set-up.',
  );
  for (const purpose of smsPurposes)
    for (const status of deliveryStatuses) {
      const n = smsRows.find((r) => r.purpose === purpose && r.status === status)?.n ?? 0;
      out.sample('cc_sms_messages', { purpose, status }, Number(n));
    }
  const [mobiles] = await db.all<{ confirmed: number; unreachable: number; councils: number }>(sql`
    select sum(case when state = 'confirmed' and unreachable_at is null then 1 else 0 end) as confirmed,
      sum(case when state = 'confirmed' and unreachable_at is not null then 1 else 0 end) as unreachable,
      count(distinct case when state = 'confirmed' and unreachable_at is null then authority_code end) as councils
    from mobile_numbers`);
  out.family('cc_mobiles', 'gauge', 'Out-of-hours mobiles: confirmed and reachable, or refusing texts.');
  out.sample('cc_mobiles', { state: 'confirmed' }, Number(mobiles?.confirmed ?? 0));
  out.sample('cc_mobiles', { state: 'unreachable' }, Number(mobiles?.unreachable ?? 0));
  out.family('cc_councils_with_mobile', 'gauge', 'Councils with a confirmed, reachable out-of-hours mobile.');
  out.sample('cc_councils_with_mobile', {}, Number(mobiles?.councils ?? 0));
  const dns = await resolverHealth(deps);
  out.family(
    'cc_dns_resolver_failing',
    'gauge',
    '1 while the checks do not believe their DNS resolver (control names did not resolve, or an implausible run): no domain is judged: alert on it.',
  );
  out.sample('cc_dns_resolver_failing', {}, dns?.failing ? 1 : 0);

  out.family('cc_advisories', 'gauge', 'Advisories by state.');
  for (const [state, n] of countsOf(advisoryStates, advisoryRows)) out.sample('cc_advisories', { state }, n);

  out.family('cc_mailboxes', 'gauge', 'Mailboxes by lifecycle state and kind.');
  for (const state of mailboxStates)
    for (const kind of mailboxKinds) {
      const n = mailboxRows.find((r) => r.state === state && r.kind === kind)?.n ?? 0;
      out.sample('cc_mailboxes', { state, kind }, Number(n));
    }

  // The reachability status of each live mailbox, derived as the API derives it (row + latest checks).
  const liveRows = await db
    .select({
      address: mailboxes.address,
      ...statusColumns,
    })
    .from(mailboxes)
    .where(inList(mailboxes.state, liveMailboxStates));
  const checks = await latestChecksFor(
    deps,
    liveRows.map((r) => domainOf(r.address)),
  );
  const statuses = new Map<string, number>(mailboxStatuses.map((s) => [s, 0]));
  for (const r of liveRows) {
    const { status } = mailboxStatusDetail(r, checks.get(domainOf(r.address)), {
      softBounceThreshold: deps.config.SOFT_BOUNCE_THRESHOLD,
    });
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  out.family('cc_mailbox_status', 'gauge', 'Live mailboxes (not retired or refused) by reachability status.');
  for (const [status, n] of statuses)
    if (status !== 'retired') out.sample('cc_mailbox_status', { status }, n);

  out.family(
    'cc_domain_checks_latest',
    'gauge',
    'The latest result of each check kind per domain, by severity.',
  );
  for (const kind of checkKinds)
    for (const severity of checkSeverities) {
      const n = checkRows.find((r) => r.kind === kind && r.severity === severity)?.n ?? 0;
      out.sample('cc_domain_checks_latest', { kind, severity }, Number(n));
    }

  // Delivery reports by whose fault they are: `ours` is our own mail refused (sender, size, policy), an alert.
  const bounceRows = await db.all<{ k: string; n: number }>(
    sql`select class as k, count(*) as n from bounces group by class`,
  );
  out.family(
    'cc_bounces',
    'gauge',
    'Delivery reports received, by whose fault (mailbox, soft, ours = our own mail refused, unknown, none).',
  );
  for (const [klass, n] of countsOf(bounceClasses, bounceRows)) out.sample('cc_bounces', { class: klass }, n);

  const series = http
    .series()
    .sort((a, b) => `${a.route} ${a.method} ${a.status}`.localeCompare(`${b.route} ${b.method} ${b.status}`));
  out.family('cc_http_requests_total', 'counter', 'HTTP requests answered by this process since it started.');
  for (const s of series)
    out.sample('cc_http_requests_total', { route: s.route, method: s.method, status: s.status }, s.count);
  out.family('cc_http_request_duration_seconds', 'histogram', 'Time to answer, by route, method and status.');
  for (const s of series) {
    const l = { route: s.route, method: s.method, status: s.status };
    latencyBuckets.forEach((le, i) => {
      out.sample('cc_http_request_duration_seconds_bucket', { ...l, le: num(le) }, s.buckets[i]!);
    });
    out.sample('cc_http_request_duration_seconds_bucket', { ...l, le: '+Inf' }, s.count);
    out.sample('cc_http_request_duration_seconds_sum', l, s.sumSeconds);
    out.sample('cc_http_request_duration_seconds_count', l, s.count);
  }

  const memory = readMemory(deps);
  if (memory) {
    out.family('process_resident_memory_bytes', 'gauge', 'Resident set size of this process.');
    out.sample('process_resident_memory_bytes', {}, memory.rss);
    out.family('cc_process_heap_used_bytes', 'gauge', 'JavaScript heap in use in this process.');
    out.sample('cc_process_heap_used_bytes', {}, memory.heapUsed);
    out.family('cc_process_heap_total_bytes', 'gauge', 'JavaScript heap allocated by this process.');
    out.sample('cc_process_heap_total_bytes', {}, memory.heapTotal);
  }
  return out.text();
}
