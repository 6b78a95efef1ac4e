// The SMS queue's sender: claims the texts that are due (with a lease, so several instances never send the
// same one), hands each to the SMS provider and writes what became of it before taking the next. Whose
// fault a failure is decides what follows: the number's (not a mobile, does not exist) is final and marks
// the number unreachable; the provider being busy or rate limiting us waits (as long as it asks); ours (a
// wrong key, a missing template) is retried with backoff and logged as an error, never the council's.
import { and, asc, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { inList, inSubquery } from '../../db/limits.js';
import { mobileNumbers, smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { systemPrincipal } from '../../domain/principal.js';
import type { SmsResult } from '../../ports/sms.js';
import { retryDelay } from '../outbound/outcome.js';
import { mobileTransitions } from './transitions.js';

type SmsRow = typeof smsMessages.$inferSelect;

export interface SmsDrainOptions {
  owner: string;
  leaseMs: number;
  /** Claim at most this many (a Workers invocation's budget of subrequests); 200 when absent. */
  max?: number;
  signal?: AbortSignal;
  /**
   * Composes the texts of rows queued without one (an advisory's heads-ups and escalations, written in the
   * same batch as the release): null for a row that should no longer go (cancelled, acknowledged meanwhile).
   */
  compose?: (rows: readonly SmsRow[]) => Promise<Map<string, string | null>>;
}

export interface SmsDrainStats {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
  /** The provider asked us to wait (its rate limit): the rest were given back until then. */
  heldBack: number;
  /** No longer needed when their turn came (the advisory was cancelled, or the council acknowledged). */
  dropped: number;
}

const retryable = ['created', 'temporary-failure', 'technical-failure'] as const;

/** How long the texts wait after a failure of ours before the next try. */
const OURS_WAIT_MS = 60_000;

/** Claims due texts: new or retryable ones whose time has come, and ones whose sender's lease ran out unsent. */
async function claim(deps: Deps, options: SmsDrainOptions, limit: number): Promise<SmsRow[]> {
  const now = deps.clock.now().getTime();
  const due = deps.db
    .select({ id: smsMessages.id })
    .from(smsMessages)
    .where(
      or(
        and(inList(smsMessages.status, retryable), lte(smsMessages.nextAttemptAt, now)),
        and(
          eq(smsMessages.status, 'sending'),
          isNull(smsMessages.providerId),
          isNotNull(smsMessages.leaseExpiresAt),
          lte(smsMessages.leaseExpiresAt, now),
        ),
      ),
    )
    .orderBy(asc(smsMessages.nextAttemptAt), asc(smsMessages.id))
    .limit(limit);
  return deps.db
    .update(smsMessages)
    .set({
      status: 'sending',
      leaseOwner: options.owner,
      leaseExpiresAt: now + options.leaseMs,
      attempts: sql`${smsMessages.attempts} + 1`,
    })
    .where(
      and(
        inSubquery(smsMessages.id, due),
        or(
          inList(smsMessages.status, retryable),
          and(eq(smsMessages.status, 'sending'), isNull(smsMessages.providerId)),
        ),
      ),
    )
    .returning();
}

const mine = (row: SmsRow, owner: string) =>
  and(eq(smsMessages.id, row.id), eq(smsMessages.leaseOwner, owner), eq(smsMessages.status, 'sending'));

/** A text that should no longer go: final, never sent. */
async function dropUnneeded(deps: Deps, row: SmsRow, owner: string): Promise<void> {
  await deps.db
    .update(smsMessages)
    .set({
      status: 'cancelled',
      leaseOwner: null,
      leaseExpiresAt: null,
      nextAttemptAt: null,
      lastReply: 'not sent: no longer needed (cancelled or acknowledged)',
    })
    .where(mine(row, owner));
}

/** Gives a claimed text back untried (the provider asked us to wait, or the drain is stopping). */
async function giveBack(deps: Deps, row: SmsRow, owner: string, at: number): Promise<void> {
  await deps.db
    .update(smsMessages)
    .set({
      status: row.attempts > 1 ? 'temporary-failure' : 'created',
      attempts: sql`${smsMessages.attempts} - 1`,
      nextAttemptAt: at,
      leaseOwner: null,
      leaseExpiresAt: null,
    })
    .where(mine(row, owner));
}

async function record(
  deps: Deps,
  row: SmsRow,
  owner: string,
  result: SmsResult,
): Promise<'sent' | 'retrying' | 'failed'> {
  const now = deps.clock.now().getTime();
  const reply = result.reply.slice(0, 500);
  const base = { leaseOwner: null, leaseExpiresAt: null, lastReply: reply };
  if (result.status === 'sending' || result.status === 'delivered') {
    await deps.db
      .update(smsMessages)
      .set({
        ...base,
        status: result.status,
        providerId: result.providerId ?? null,
        sentAt: now,
        deliveredAt: result.status === 'delivered' ? now : null,
        nextAttemptAt: null,
        lastFailure: null,
        // The text may hold a code or a link's secret: gone once the provider has it.
        text: null,
      })
      .where(mine(row, owner));
    return 'sent';
  }
  const failure = (result.failure ?? result.status).slice(0, 120);
  const final = result.status === 'permanent-failure';
  const retryAt = now + Math.max(result.retryAfterMs ?? 0, retryDelay(row.attempts, retryPolicy(deps)));
  if (!final && retryAt < row.deadlineAt) {
    await deps.db
      .update(smsMessages)
      .set({ ...base, status: result.status, nextAttemptAt: retryAt, lastFailure: failure })
      .where(mine(row, owner));
    return 'retrying';
  }
  await deps.db
    .update(smsMessages)
    .set({
      ...base,
      status: result.status,
      nextAttemptAt: null,
      failedAt: now,
      lastFailure: failure,
      text: null,
    })
    .where(mine(row, owner));
  if (final) await markNumberUnreachable(deps, row.mobileId, reply);
  return 'failed';
}

function retryPolicy(deps: Deps) {
  return {
    baseMs: deps.config.DELIVERY_RETRY_BASE_SECONDS * 1000,
    maxMs: deps.config.DELIVERY_RETRY_MAX_SECONDS * 1000,
  };
}

/** The provider says the number cannot take texts: marked (once), so coverage stops counting it as a path. */
export async function markNumberUnreachable(deps: Deps, mobileId: string, reason: string): Promise<void> {
  const now = deps.clock.now();
  await mobileTransitions.attempt(deps, { principal: systemPrincipal }, 'unreachable', mobileId, {
    set: { unreachableAt: now, unreachableReason: reason.slice(0, 300) },
    when: isNull(mobileNumbers.unreachableAt),
    audit: { after: { reason: reason.slice(0, 300) } },
    at: now,
  });
}

/** Sends every text that is due now, one at a time in order (texts are few; the provider limits the pace). */
export async function drainSms(deps: Deps, options: SmsDrainOptions): Promise<SmsDrainStats> {
  const stats: SmsDrainStats = { claimed: 0, sent: 0, retrying: 0, failed: 0, heldBack: 0, dropped: 0 };
  if (deps.sms.unavailable) return stats;
  let budget = options.max ?? 200;
  while (budget > 0 && !options.signal?.aborted) {
    const rows = await claim(deps, options, Math.min(50, budget));
    if (rows.length === 0) break;
    stats.claimed += rows.length;
    budget -= rows.length;
    let waitUntil: number | null = null;
    const untexted = rows.filter((r) => r.text === null);
    const composed = untexted.length && options.compose ? await options.compose(untexted) : new Map();
    for (const row of rows) {
      if (row.text === null && composed.has(row.id)) {
        const text = composed.get(row.id);
        if (text === null) {
          await dropUnneeded(deps, row, options.owner);
          stats.dropped++;
          continue;
        }
        row.text = text;
      }
      if (waitUntil !== null || options.signal?.aborted || !row.text) {
        await giveBack(deps, row, options.owner, waitUntil ?? deps.clock.now().getTime());
        if (waitUntil !== null) stats.heldBack++;
        continue;
      }
      let result: SmsResult;
      try {
        result = await deps.sms.send({ to: row.toNumber, text: row.text, reference: row.id });
      } catch (err) {
        deps.log.error('the SMS sender threw', { err });
        result = { status: 'technical-failure', reply: 'the SMS sender failed', failure: 'SMS sender error' };
      }
      const outcome = await record(deps, row, options.owner, result);
      stats[outcome]++;
      if (result.retryAfterMs) waitUntil = deps.clock.now().getTime() + result.retryAfterMs;
      if (result.status === 'technical-failure') {
        // Ours (a wrong key, a missing template): the next text would fail the same way. The rest wait,
        // and the admins read why once, not once per council.
        deps.log.error('SMS not sent: a failure of ours; the other texts wait', {
          failure: result.failure,
          reply: result.reply,
        });
        waitUntil = deps.clock.now().getTime() + Math.max(result.retryAfterMs ?? 0, OURS_WAIT_MS);
      }
    }
    if (waitUntil !== null) break;
  }
  if (stats.claimed) deps.log.info('sms', { ...stats });
  return stats;
}

/** When the next text falls due (ms), or null when none is waiting. */
export async function nextSmsAt(deps: Deps): Promise<number | null> {
  const [row] = await deps.db
    .select({ at: sql<number | null>`min(${smsMessages.nextAttemptAt})` })
    .from(smsMessages)
    .where(inList(smsMessages.status, retryable));
  return row?.at == null ? null : Number(row.at);
}
