// The re-confirmation sweep. A confirmed mailbox falls due RECONFIRM_DAYS after it was confirmed; the sweep
// then sends it a re-confirmation link (the cycle starts then), reminders RECONFIRM_REMINDER_DAYS after
// that, and RECONFIRM_GRACE_DAYS after it marks the mailbox stale and tells its WARP's operators (one
// e-mail per WARP per sweep). Following any of the links restores it. Each step is one mailbox transition
// (the step, its audit entry and its link in one guarded write) taken before anything is sent, so a sweep
// run twice (or on two instances) sends nothing twice; a crash between the write and the send loses that
// one message, never duplicates it.

import { and, eq, isNotNull, isNull, lte, or, type SQL } from 'drizzle-orm';
import staleTemplate, { type StaleMailbox } from '../../../templates/mailboxes-stale.js';
import { inList } from '../../db/limits.js';
import { authorities, linkTokens, mailboxes, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { composeMessage } from '../../mail/compose.js';
import { operatorAddresses } from '../advisories/warp-operators.js';
import { insertRowIf } from '../audit/transitions.js';
import { issueLink } from '../mailboxes/links.js';
import { sendConfirmation } from '../mailboxes/notify.js';
import { mailboxTransitions } from '../mailboxes/transitions.js';
import type { MailboxRow } from '../mailboxes/view.js';
import { queueMail, wakeSender } from '../outbound/queue-mail.js';

const DAY_MS = 86_400_000;

export interface SweepResult {
  linksSent: string[];
  reminders: string[];
  stale: string[];
  /** Mail that could not be sent (the step is still recorded; the next reminder tries again). */
  notSent: string[];
  warps: Array<{ warp: string; mailboxes: string[]; sentTo: string[] }>;
  warpsWithoutOperators: string[];
  mailboxesWithoutWarp: string[];
  /** Mailboxes with a step due were left for the next run (RECONFIRM_PER_RUN was reached). */
  more: number;
}

type Link = Awaited<ReturnType<typeof issueLink>>;

type Step = { kind: 'link' } | { kind: 'reminder'; index: number } | { kind: 'stale' } | null;

/** What the sweep does to this mailbox now (at most one step per sweep). */
export function nextStep(deps: Pick<Deps, 'config'>, m: MailboxRow, now: Date): Step {
  if (m.state !== 'confirmed' || m.staleAt) return null;
  const c = deps.config;
  const due =
    m.reconfirmDueAt?.getTime() ??
    (m.confirmedAt ? m.confirmedAt.getTime() + c.RECONFIRM_DAYS * DAY_MS : null);
  if (due === null || due > now.getTime()) return null;
  if (!m.lastReminderAt) return { kind: 'link' };
  const since = now.getTime() - due;
  if (since >= c.RECONFIRM_GRACE_DAYS * DAY_MS) return { kind: 'stale' };
  const reached = c.RECONFIRM_REMINDER_DAYS.filter(
    (d) => d < c.RECONFIRM_GRACE_DAYS && since >= d * DAY_MS,
  ).length;
  return reached > m.remindersSent ? { kind: 'reminder', index: reached } : null;
}

async function candidates(deps: Deps, now: Date): Promise<MailboxRow[]> {
  const legacyCutoff = new Date(now.getTime() - deps.config.RECONFIRM_DAYS * DAY_MS);
  return deps.db
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.state, 'confirmed'),
        isNull(mailboxes.staleAt),
        or(
          lte(mailboxes.reconfirmDueAt, now),
          and(isNull(mailboxes.reconfirmDueAt), lte(mailboxes.confirmedAt, legacyCutoff)),
        ),
      ),
    );
}

/**
 * Takes one step for one mailbox as one transition: its guard says the mailbox still looks as the sweep
 * read it, and the link goes in the same write. Null when another sweep took the step first.
 */
async function takeStep(
  deps: Deps,
  actor: ActorContext,
  m: MailboxRow,
  step: Exclude<Step, null>,
  now: Date,
): Promise<{ mailbox: MailboxRow; link: Link | null } | null> {
  const notStale = isNull(mailboxes.staleAt);
  try {
    if (step.kind === 'stale') {
      const mailbox = await mailboxTransitions.apply(deps, actor, 'stale', m.id, {
        set: { staleAt: now },
        when: and(notStale, isNotNull(mailboxes.lastReminderAt)),
        audit: { after: { staleAt: now.toISOString(), askedAt: m.reconfirmDueAt?.toISOString() ?? null } },
        at: now,
      });
      return { mailbox, link: null };
    }
    const link = await issueLink(deps, m.id, 'reconfirm', (deps.config.RECONFIRM_GRACE_DAYS + 30) * DAY_MS);
    const withLink = (stillApplies: SQL) => [insertRowIf(deps.db, linkTokens, link.row, stillApplies)];
    const mailbox =
      step.kind === 'link'
        ? await mailboxTransitions.apply(deps, actor, 'ask', m.id, {
            set: { lastReminderAt: now, remindersSent: 0, reconfirmDueAt: now },
            when: and(notStale, isNull(mailboxes.lastReminderAt)),
            audit: { after: { askedAt: now.toISOString() } },
            with: withLink,
            at: now,
          })
        : await mailboxTransitions.apply(deps, actor, 'remind', m.id, {
            set: { lastReminderAt: now, remindersSent: step.index },
            when: and(
              notStale,
              isNotNull(mailboxes.lastReminderAt),
              eq(mailboxes.remindersSent, m.remindersSent),
            ),
            audit: { after: { reminder: step.index } },
            with: withLink,
            at: now,
          });
    return { mailbox, link };
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') return null;
    throw err;
  }
}

/**
 * Takes the step due for each mailbox (at most `limit` mailboxes: RECONFIRM_PER_RUN, so one Workers
 * invocation stays within its budget of D1 queries; `more` says how many wait for the next run).
 */
export async function sweepReconfirmations(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
  limit: number | undefined = deps.config.RECONFIRM_PER_RUN,
): Promise<SweepResult> {
  const now = deps.clock.now();
  const result: SweepResult = {
    linksSent: [],
    reminders: [],
    stale: [],
    notSent: [],
    warps: [],
    warpsWithoutOperators: [],
    mailboxesWithoutWarp: [],
    more: 0,
  };
  if (deps.mailer.unavailable) {
    // Without mail no link can go out, and nobody may be marked stale for not answering one.
    deps.log.warn('re-confirmation sweep skipped: mail cannot be sent', {
      reason: deps.mailer.unavailable.reason,
    });
    return result;
  }
  // Read once, then only those with a step due now, oldest first: a limit never starves anyone behind
  // mailboxes that are past due and merely waiting for their next reminder.
  const withStep = (await candidates(deps, now))
    .filter((m) => nextStep(deps, m, now) !== null)
    .sort((a, b) => (a.reconfirmDueAt?.getTime() ?? 0) - (b.reconfirmDueAt?.getTime() ?? 0));
  const due = limit === undefined ? withStep : withStep.slice(0, limit);
  result.more = withStep.length - due.length;
  if (due.length === 0) return result;
  const codes = [...new Set(due.map((m) => m.authorityCode))];
  const authorityRows = await deps.db
    .select({ code: authorities.code, name: authorities.name, warpId: authorities.warpId })
    .from(authorities)
    .where(inList(authorities.code, codes));
  const authorityOf = new Map(authorityRows.map((a) => [a.code, a]));
  const newlyStale: MailboxRow[] = [];
  const spacingMs = 60_000 / deps.config.BULK_MAIL_PER_MINUTE;
  let queued = 0;

  for (const m of due) {
    const step = nextStep(deps, m, now);
    const taken = step && (await takeStep(deps, actor, m, step, now));
    if (!step || !taken) continue;
    if (!taken.link) {
      newlyStale.push(taken.mailbox);
      result.stale.push(m.id);
      continue;
    }
    const authority = authorityOf.get(m.authorityCode);
    // Spread out in the bulk lane: BULK_MAIL_PER_MINUTE, after what this sweep queued already.
    const notBefore = new Date(now.getTime() + queued++ * spacingMs);
    const sent = await sendConfirmation(
      deps,
      taken.mailbox,
      { code: m.authorityCode, name: authority?.name ?? m.authorityCode },
      taken.link,
      true,
      notBefore,
    );
    (step.kind === 'link' ? result.linksSent : result.reminders).push(m.id);
    if (!sent) result.notSent.push(m.id);
  }

  if (queued > 0) await wakeSender(deps, 'bulk');
  if (newlyStale.length) await tellWarps(deps, newlyStale, authorityOf, result);
  deps.log.info('re-confirmation sweep', {
    linksSent: result.linksSent.length,
    reminders: result.reminders.length,
    stale: result.stale.length,
    more: result.more,
  });
  return result;
}

async function tellWarps(
  deps: Deps,
  stale: MailboxRow[],
  authorityOf: Map<string, { code: string; name: string; warpId: string | null }>,
  result: SweepResult,
) {
  const byWarp = new Map<string, StaleMailbox[]>();
  const ids = new Map<string, string[]>();
  for (const m of stale) {
    const authority = authorityOf.get(m.authorityCode);
    if (!authority?.warpId) {
      result.mailboxesWithoutWarp.push(m.id);
      continue;
    }
    byWarp.set(authority.warpId, [
      ...(byWarp.get(authority.warpId) ?? []),
      {
        authorityName: authority.name,
        authorityCode: authority.code,
        address: m.address,
        kind: m.kind,
        askedAt: m.reconfirmDueAt ?? m.lastReminderAt ?? new Date(0),
      },
    ]);
    ids.set(authority.warpId, [...(ids.get(authority.warpId) ?? []), m.id]);
  }
  if (result.mailboxesWithoutWarp.length)
    deps.log.warn('stale mailboxes of councils in no WARP: nobody told', {
      mailboxes: result.mailboxesWithoutWarp,
    });
  const warpIds = [...byWarp.keys()];
  const operators = await operatorAddresses(deps, warpIds);
  const names = new Map(
    warpIds.length
      ? (
          await deps.db
            .select({ id: warps.id, name: warps.name })
            .from(warps)
            .where(inList(warps.id, warpIds))
        ).map((w) => [w.id, w.name])
      : [],
  );
  const stamp = deps.clock.now().getTime();
  for (const [warpId, list] of byWarp) {
    const addresses = operators.get(warpId);
    if (!addresses) {
      result.warpsWithoutOperators.push(warpId);
      deps.log.warn('stale mailboxes: WARP has no operator addresses', { warp: warpId });
      continue;
    }
    const data = {
      serviceName: deps.config.SERVICE_NAME,
      warpName: names.get(warpId) ?? warpId,
      graceDays: deps.config.RECONFIRM_GRACE_DAYS,
      mailboxes: list.sort((a, b) => a.authorityName.localeCompare(b.authorityName)),
    };
    const sentTo: string[] = [];
    for (const [i, to] of addresses.entries()) {
      try {
        const message = composeMessage(deps.config, staleTemplate, data, to, {
          messageId: `stale.${warpId}.${stamp}.${i}`,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        await queueMail(deps, message, { lane: 'notices', purpose: 'stale mailboxes notice', wake: false });
        sentTo.push(to);
      } catch (err) {
        deps.log.error('stale notice could not be queued', { warp: warpId, to, err });
      }
    }
    result.warps.push({ warp: warpId, mailboxes: ids.get(warpId) ?? [], sentTo });
  }
  if (result.warps.some((w) => w.sentTo.length)) await wakeSender(deps, 'notices');
}
