// Draining the outbound queue: the sources of mail in lane order (queued links first, advisory deliveries
// and escalations next, notices, then bulk re-confirmations) handed to the one engine
// (features/outbound/engine.ts), with the settings from the configuration.
import { sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import type { MailLane } from '../../domain/outbound.js';
import { drainSms, nextSmsAt, type SmsDrainStats } from '../mobiles/sms-drain.js';
import { type DrainStats, drainOutbound } from '../outbound/engine.js';
import { mailSource } from '../outbound/mail-source.js';
import type { RetryPolicy } from '../outbound/outcome.js';
import type { WorkSource } from '../outbound/work.js';
import { deliverySource } from './delivery-source.js';
import { headsUpTexts } from './sms-heads-up.js';

export interface DispatchOptions {
  /** This worker's lease owner id (unique per process or instance). */
  owner: string;
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  retry: RetryPolicy;
  ratePerSecond: number;
  /** Only this advisory's deliveries (the CLI's `advisory dispatch --advisory`): no other mail. */
  advisoryId?: string;
  /** Only queued mail, no advisory deliveries (a wake-up after mail was queued, in tests). */
  mailOnly?: boolean;
  /**
   * Claim at most this many items in this drain (a Workers invocation has a budget of subrequests);
   * unlimited when absent. Stop in time with `signal`: unsent claims are given back.
   */
  maxDeliveries?: number;
  signal?: AbortSignal;
  onProgress?: (stats: DispatchStats) => void;
}

export type DispatchStats = DrainStats & { sms?: SmsDrainStats };

export function dispatchOptions(deps: Deps, overrides: Partial<DispatchOptions> = {}): DispatchOptions {
  const c = deps.config;
  return {
    owner: `worker-${deps.random.id()}`,
    // One sender per pooled connection: each connection then carries at most one message whose outcome
    // is not yet written, which bounds what a crash can send twice.
    concurrency: c.DISPATCH_CONCURRENCY ?? c.SMTP_POOL_CONNECTIONS,
    batchSize: c.DISPATCH_BATCH_SIZE,
    leaseMs: c.DISPATCH_LEASE_SECONDS * 1000,
    retry: { baseMs: c.DELIVERY_RETRY_BASE_SECONDS * 1000, maxMs: c.DELIVERY_RETRY_MAX_SECONDS * 1000 },
    ratePerSecond: c.SMTP_RATE_PER_SECOND,
    ...overrides,
  };
}

/** The sources of one drain, in the order they are served. */
export function outboundSources(deps: Deps, options: DispatchOptions): WorkSource[] {
  const { owner, leaseMs } = options;
  if (options.advisoryId) return [deliverySource(deps, owner, leaseMs, options.advisoryId)];
  const mail = (lane: MailLane) => mailSource(deps, owner, leaseMs, lane);
  if (options.mailOnly) return [mail('urgent'), mail('advisories'), mail('notices'), mail('bulk')];
  return [
    mail('urgent'),
    deliverySource(deps, owner, leaseMs),
    mail('advisories'),
    mail('notices'),
    mail('bulk'),
  ];
}

/**
 * Sends everything that is due now (queued mail and advisory deliveries), then returns. Items waiting for
 * a later retry are left. On abort, what was claimed and not sent is given back at once.
 */
export async function drainDeliveries(deps: Deps, options: DispatchOptions): Promise<DispatchStats> {
  // Texts first (heads-ups, codes, drills: few, short, and someone is waiting for them), then the mail, in
  // the same budget.
  const sms = await drainSms(deps, {
    owner: options.owner,
    leaseMs: options.leaseMs,
    max: options.maxDeliveries,
    signal: options.signal,
    compose: (rows) => headsUpTexts(deps, rows),
  });
  const left =
    options.maxDeliveries === undefined ? undefined : Math.max(0, options.maxDeliveries - sms.claimed);
  const stats: DispatchStats =
    left === 0
      ? { claimed: 0, delivered: 0, retrying: 0, failed: 0, resent: 0, paused: false }
      : await drainOutbound(deps, outboundSources(deps, options), {
          owner: options.owner,
          concurrency: options.concurrency,
          batchSize: options.batchSize,
          leaseMs: options.leaseMs,
          retry: options.retry,
          ratePerSecond: options.ratePerSecond,
          maxItems: left,
          signal: options.signal,
          onProgress: options.onProgress,
        });
  if (sms.claimed) stats.sms = sms;
  return stats;
}

/** When the next retry or queued message falls due (ms), or null when nothing is waiting; of one advisory when given. */
export async function nextRetryAt(deps: Deps, advisoryId?: string): Promise<number | null> {
  const onlyOne = advisoryId ? sql`and d.advisory_id = ${advisoryId}` : sql``;
  const [row] = await deps.db.all<{ at: number | null }>(sql`
    select min(d.next_attempt_at) as at from deliveries d join advisories a on a.id = d.advisory_id
    where a.state = 'sending' and d.status in ('created', 'temporary-failure', 'technical-failure') and d.next_attempt_at is not null ${onlyOne}`);
  let at = row?.at == null ? null : Number(row.at);
  if (!advisoryId) {
    const [mail] = await deps.db.all<{ at: number | null }>(sql`
      select min(next_attempt_at) as at from outbound_mail
      where status in ('created', 'temporary-failure', 'technical-failure') and next_attempt_at is not null`);
    if (mail?.at != null) at = at === null ? Number(mail.at) : Math.min(at, Number(mail.at));
    const sms = await nextSmsAt(deps);
    if (sms !== null) at = at === null ? sms : Math.min(at, sms);
  }
  return at;
}

export { countOutcome } from '../outbound/engine.js';
