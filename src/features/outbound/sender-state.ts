// The sender as the outbound queue sees it: sending, or paused after a failure of our own. A pause stops
// every lane (what would fail for one message fails for all); deliveries stay retryable. While paused, the
// engine sends one queued message now and then as a probe: when it goes through, sending resumes; an admin
// can resume at once. Each change is a guarded, audited transition (two workers pausing at once: one does).
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { deliveries, mailSender, outboundMail } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { SenderState } from '../../domain/outbound.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { defineAggregate, transitions } from '../audit/transitions.js';
import type { SenderFault } from './sender-fault.js';

const SENDER = 'default';

export const senderTransitions = defineAggregate({
  table: mailSender,
  subject: 'mail sender',
  id: mailSender.id,
  state: mailSender.state,
  updatedAt: 'updatedAt',
  transitions: transitions<SenderState>()({
    /** A failure of our own: every lane stops; deliveries stay retryable. */
    pause: { action: 'mail.pause', verb: 'pause', from: ['sending'], to: 'paused' },
    /** A probe failed too: the next one is later. */
    probeFailed: { action: 'mail.probe-failed', verb: 'probe', from: ['paused'], keepUpdatedAt: true },
    /** A probe went through, or an admin resumed: retryable mail is due again at once. */
    resume: { action: 'mail.resume', verb: 'resume', from: ['paused'], to: 'sending' },
  }),
});

export type MailSenderRow = typeof mailSender.$inferSelect;

/** First probe this long after the pause, then twice as long after each failed probe, at most `maxProbeMs`. */
const firstProbeMs = 30_000;
const maxProbeMs = 5 * 60_000;

export async function senderState(deps: Pick<Deps, 'db'>): Promise<MailSenderRow> {
  const row = await deps.db.query.mailSender.findFirst({ where: eq(mailSender.id, SENDER) });
  if (row) return row;
  // A database made before the row existed: it is sending.
  const [made] = await deps.db
    .insert(mailSender)
    .values({ id: SENDER, state: 'sending', updatedAt: new Date(0) })
    .onConflictDoNothing()
    .returning();
  return made ?? (await senderState(deps));
}

/** Pauses sending for `fault`; false when another worker paused it first. */
export async function pauseSending(
  deps: Pick<Deps, 'db' | 'clock' | 'log'>,
  fault: SenderFault,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<boolean> {
  const at = deps.clock.now();
  const applied = await senderTransitions.attempt(deps, actor, 'pause', SENDER, {
    set: {
      pausedAt: at,
      reason: fault.reason.slice(0, 1000),
      command: fault.command,
      nextProbeAt: new Date(at.getTime() + firstProbeMs),
      probes: 0,
    },
    audit: { after: { reason: fault.reason.slice(0, 1000), command: fault.command } },
    at,
  });
  if (applied)
    deps.log.error('sending paused: a failure of our own, not of the recipients', {
      reason: fault.reason,
      command: fault.command,
    });
  return applied !== null;
}

/** A probe failed: the next one is later (doubling, capped). */
export async function probeFailed(deps: Pick<Deps, 'db' | 'clock' | 'log'>, reason: string): Promise<void> {
  const at = deps.clock.now();
  const current = await senderState(deps);
  const wait = Math.min(maxProbeMs, firstProbeMs * 2 ** (current.probes + 1));
  await senderTransitions.attempt(deps, { principal: systemPrincipal }, 'probeFailed', SENDER, {
    set: { probes: sql`${mailSender.probes} + 1`, nextProbeAt: new Date(at.getTime() + wait), reason },
    audit: { after: { reason, nextProbeInMs: wait } },
    at,
  });
  deps.log.error('sending still paused: the probe failed', { reason, nextProbeInMs: wait });
}

/**
 * Resumes sending (a probe went through, or an admin said so): mail and deliveries waiting for a retry
 * after a technical failure are due again at once. Throws the conflict problem when it is not paused.
 */
export async function resumeSending(
  deps: Pick<Deps, 'db' | 'clock' | 'log'>,
  actor: ActorContext,
  why: string,
): Promise<MailSenderRow> {
  const at = deps.clock.now();
  const now = at.getTime();
  const dueNow = (table: typeof deliveries | typeof outboundMail) =>
    deps.db
      .update(table)
      .set({ nextAttemptAt: now })
      .where(and(eq(table.status, 'technical-failure'), isNotNull(table.nextAttemptAt)));
  const row = await senderTransitions.apply(deps, actor, 'resume', SENDER, {
    set: { pausedAt: null, nextProbeAt: null, probes: 0, command: null, reason: null },
    audit: { after: { why } },
    after: [dueNow(deliveries), dueNow(outboundMail)],
    at,
  });
  deps.log.warn('sending resumed', { why });
  return row;
}

/** Whether the sender is paused and a probe is due now. */
export function probeDue(row: MailSenderRow, now: Date): boolean {
  return row.state === 'paused' && (row.nextProbeAt === null || row.nextProbeAt <= now);
}

/** The pause as callers show it (API, pages, CLI), or null when sending. */
export function pauseView(row: MailSenderRow) {
  if (row.state !== 'paused') return null;
  return {
    since: row.pausedAt?.toISOString() ?? null,
    reason: row.reason ?? 'a failure of our own',
    command: row.command,
    nextProbeAt: row.nextProbeAt?.toISOString() ?? null,
    probes: row.probes,
  };
}

export type PauseView = NonNullable<ReturnType<typeof pauseView>>;

/** Resumes on an admin's word; a clear conflict when sending is not paused. */
export async function resumeByAdmin(deps: Pick<Deps, 'db' | 'clock' | 'log'>, actor: ActorContext) {
  const current = await senderState(deps);
  if (current.state !== 'paused')
    throw new AppError('conflict', 'Sending is not paused.', { extra: { state: current.state } });
  return resumeSending(deps, actor, 'an administrator resumed sending');
}
