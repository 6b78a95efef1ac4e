// The re-confirmation sweep. A confirmed mailbox falls due RECONFIRM_DAYS after it was confirmed; the sweep
// then sends it a re-confirmation link (the cycle starts then), reminders RECONFIRM_REMINDER_DAYS after
// that, and RECONFIRM_GRACE_DAYS after it marks the mailbox stale and tells its WARP's operators (one
// e-mail per WARP per sweep). Following any of the links restores it. Each step is claimed with a
// conditional update before anything is sent, so a sweep run twice (or on two instances) sends nothing
// twice; a crash between the claim and the send loses that one message, never duplicates it.

import { and, eq, isNotNull, isNull, lte, or } from 'drizzle-orm';
import staleTemplate, { type StaleMailbox } from '../../../templates/mailboxes-stale.js';
import { inList } from '../../db/limits.js';
import { authorities, mailboxes, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { composeMessage } from '../../mail/compose.js';
import { operatorAddresses } from '../advisories/warp-operators.js';
import { auditEntry } from '../audit/record.js';
import { issueLink } from '../mailboxes/links.js';
import { sendConfirmation } from '../mailboxes/notify.js';
import type { MailboxRow } from '../mailboxes/view.js';

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
}

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

/** Takes the step for this sweep: true when this sweep won it (the row still looked as it was read). */
async function claim(deps: Deps, m: MailboxRow, step: Exclude<Step, null>, now: Date): Promise<boolean> {
  const base = and(eq(mailboxes.id, m.id), eq(mailboxes.state, 'confirmed'), isNull(mailboxes.staleAt));
  const update =
    step.kind === 'link'
      ? deps.db
          .update(mailboxes)
          .set({ lastReminderAt: now, remindersSent: 0, reconfirmDueAt: now })
          .where(and(base, isNull(mailboxes.lastReminderAt)))
      : step.kind === 'reminder'
        ? deps.db
            .update(mailboxes)
            .set({ lastReminderAt: now, remindersSent: step.index })
            .where(
              and(base, isNotNull(mailboxes.lastReminderAt), eq(mailboxes.remindersSent, m.remindersSent)),
            )
        : deps.db
            .update(mailboxes)
            .set({ staleAt: now })
            .where(and(base, isNotNull(mailboxes.lastReminderAt)));
  const claimed = await update.returning({ id: mailboxes.id });
  return claimed.length > 0;
}

export async function sweepReconfirmations(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
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
  };
  const due = await candidates(deps, now);
  if (due.length === 0) return result;
  const codes = [...new Set(due.map((m) => m.authorityCode))];
  const authorityRows = await deps.db
    .select({ code: authorities.code, name: authorities.name, warpId: authorities.warpId })
    .from(authorities)
    .where(inList(authorities.code, codes));
  const authorityOf = new Map(authorityRows.map((a) => [a.code, a]));
  const linkTtl = (deps.config.RECONFIRM_GRACE_DAYS + 30) * DAY_MS;
  const newlyStale: MailboxRow[] = [];

  for (const m of due) {
    const step = nextStep(deps, m, now);
    if (!step || !(await claim(deps, m, step, now))) continue;
    if (step.kind === 'stale') {
      await deps.db.batch([
        auditEntry(deps.db, actor, now, {
          action: 'mailbox.stale',
          subjectType: 'mailbox',
          subjectId: m.id,
          after: { staleAt: now.toISOString(), askedAt: m.reconfirmDueAt?.toISOString() ?? null },
        }),
      ]);
      newlyStale.push(m);
      result.stale.push(m.id);
      continue;
    }
    const link = await issueLink(deps, m.id, 'reconfirm', linkTtl);
    await deps.db.batch([
      link.insert,
      auditEntry(deps.db, actor, now, {
        action: step.kind === 'link' ? 'mailbox.reconfirmation-sent' : 'mailbox.reconfirmation-reminder',
        subjectType: 'mailbox',
        subjectId: m.id,
        after: step.kind === 'reminder' ? { reminder: step.index } : { askedAt: now.toISOString() },
      }),
    ]);
    const authority = authorityOf.get(m.authorityCode);
    const sent = await sendConfirmation(
      deps,
      m,
      { code: m.authorityCode, name: authority?.name ?? m.authorityCode },
      link,
      true,
    );
    (step.kind === 'link' ? result.linksSent : result.reminders).push(m.id);
    if (!sent) result.notSent.push(m.id);
  }

  if (newlyStale.length) await tellWarps(deps, newlyStale, authorityOf, result);
  deps.log.info('re-confirmation sweep', {
    linksSent: result.linksSent.length,
    reminders: result.reminders.length,
    stale: result.stale.length,
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
        const sent = await deps.mailer.send(message);
        if (sent.status === 'delivered') sentTo.push(to);
        else deps.log.warn('stale notice not accepted', { warp: warpId, to, status: sent.status });
      } catch (err) {
        deps.log.error('stale notice failed', { warp: warpId, to, err });
      }
    }
    result.warps.push({ warp: warpId, mailboxes: ids.get(warpId) ?? [], sentTo });
  }
}
