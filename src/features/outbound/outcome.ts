// What a send's outcome does to a queued e-mail or advisory delivery: delivered and the recipient's refusal
// (5xx at RCPT TO or DATA) are final; 4xx and failures of our own (technical) are retried with exponential
// backoff and jitter until the item's deadline, then final.
import type { SendResult } from '../../ports/mailer.js';
import { NOT_BUILT } from './sender-fault.js';

/** A failure's kind: what the adapter called it, else its status and stage (the same for every recipient). */
export function failureKind(result: SendResult): string {
  if (result.failure) return result.failure.slice(0, 120);
  if (result.command === NOT_BUILT) return 'not built';
  return [result.status, result.command, result.code].filter((p) => p !== undefined).join(' ');
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

export interface DeliveryUpdate {
  status: 'delivered' | 'temporary-failure' | 'permanent-failure' | 'technical-failure';
  nextAttemptAt: number | null;
  lastReply: string;
  lastCode: number | null;
  deliveredAt: number | null;
  failedAt: number | null;
  /** The Message-ID the recipient saw, when the provider replaced ours (see SendResult). */
  deliveredMessageId?: string | null;
  /** The kind of failure (SendResult.failure, else the status); null once delivered. */
  lastFailure?: string | null;
}

/** Backoff before attempt n+1 after n attempts: base·2^(n-1), capped, with jitter in [½, 1]. */
export function retryDelay(
  attempts: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function outcomeUpdate(
  result: SendResult,
  delivery: { attempts: number; deadlineAt: number },
  now: number,
  policy: RetryPolicy,
  random?: () => number,
): DeliveryUpdate {
  const reply = result.reply.slice(0, 1000);
  const code = result.code ?? null;
  const lastFailure = result.status === 'delivered' ? null : failureKind(result);
  if (result.status === 'delivered')
    return {
      status: 'delivered',
      nextAttemptAt: null,
      lastReply: reply,
      lastCode: code,
      deliveredAt: now,
      failedAt: null,
      deliveredMessageId: result.deliveredMessageId ?? null,
      lastFailure: null,
    };
  if (result.status === 'permanent-failure')
    return {
      status: 'permanent-failure',
      nextAttemptAt: null,
      lastReply: reply,
      lastCode: code,
      deliveredAt: null,
      failedAt: now,
      lastFailure,
    };
  // A message that could not be built will not build next time either: final, and ours.
  if (result.command === NOT_BUILT)
    return {
      status: 'technical-failure',
      nextAttemptAt: null,
      lastReply: reply,
      lastCode: code,
      deliveredAt: null,
      failedAt: now,
      lastFailure,
    };
  const next = now + retryDelay(delivery.attempts, policy, random);
  const retry = next < delivery.deadlineAt;
  return {
    status: result.status,
    nextAttemptAt: retry ? next : null,
    lastReply: reply,
    lastCode: code,
    deliveredAt: null,
    failedAt: retry ? null : now,
    lastFailure,
  };
}
