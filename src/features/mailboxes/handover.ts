// Replacing a council's confirmed primary mailbox. Anyone who can receive mail on a council's domain can
// register an address and follow its confirmation link, so that alone does not take the primary's place:
// the new address waits (awaiting-handover) while the current primary is asked. It takes over when that
// primary agrees, when an admin approves, or when nobody has refused by the end of the window; the primary
// (or an admin) saying no refuses it for good. Registrations the current primary made itself, or that an
// admin approved or vouched for, need no consent.

import { and, eq, lte, type SQL, sql } from 'drizzle-orm';
import { linkTokens, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, mailboxHolder, systemPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { insertRowIf } from '../audit/transitions.js';
import { findAuthority, requireAuthority } from '../authority-register/get-authority.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import {
  inspectLink,
  issueLink,
  type LinkState,
  linkIsUnspent,
  retireEarlierLinks,
  spendLink,
} from './links.js';
import { sendConfirmed, sendHandoverRefused, sendHandoverRequest, sendReplaced } from './notify.js';
import { confirmedReachability } from './reachability.js';
import { confirmedOfKind, confirmReplacing } from './rotation.js';
import { mailboxTransitions } from './transitions.js';
import type { MailboxRow } from './view.js';

/** How long the current primary has to refuse before the new address takes over. */
export function handoverWindowMs(deps: Pick<Deps, 'config'>): number {
  return deps.config.HANDOVER_WINDOW_HOURS * 3600_000;
}

/**
 * The confirmed primary whose consent `mailbox` needs before it takes over, or null when it needs none: it
 * is not a primary, nothing confirmed is there to replace, an admin approved it, or the current primary
 * registered it itself.
 */
export async function consentNeededFrom(
  deps: Pick<Deps, 'db'>,
  mailbox: MailboxRow,
): Promise<MailboxRow | null> {
  if (mailbox.kind !== 'primary' || mailbox.approvedAt) return null;
  const current = await confirmedOfKind(deps, mailbox);
  if (current.length === 0) return null;
  if (current.some((c) => mailbox.createdBy === `mailbox:${c.id}`)) return null;
  return current[0] ?? null;
}

/**
 * Asks `current` whether `mailbox` may replace it: the mailbox waits (with the window's end), a link to
 * answer exists only if that change happened, and the question goes out after. `guard` and `spend` are the
 * confirmation link's, when the mailbox's own link brought it here.
 */
export async function askForHandover(
  deps: Deps,
  actor: ActorContext,
  name: 'awaitHandover' | 'askAgain',
  mailbox: MailboxRow,
  current: MailboxRow,
  link?: { tokenHash: string },
): Promise<MailboxRow> {
  assertMailAvailable(deps);
  const at = deps.clock.now();
  const dueAt = new Date(at.getTime() + handoverWindowMs(deps));
  const answer = await issueLink(deps, mailbox.id, 'handover', handoverWindowMs(deps));
  const waiting = await mailboxTransitions.apply(deps, actor, name, mailbox.id, {
    set: { handoverDueAt: dueAt, replacesId: current.id },
    when: link ? linkIsUnspent(link.tokenHash, at) : undefined,
    audit: {
      before: { state: mailbox.state },
      after: { replaces: current.id, askedOf: current.address, dueAt: dueAt.toISOString() },
    },
    with: (stillApplies) => [
      retireEarlierLinks(deps, mailbox.id, 'handover', stillApplies),
      insertRowIf(deps.db, linkTokens, answer.row, stillApplies),
    ],
    after: link ? [spendLink(deps, link.tokenHash, at)] : [],
    at,
  });
  const authority = await requireAuthority(deps, mailbox.authorityCode);
  const sent = await sendHandoverRequest(deps, current, waiting, authority, answer, dueAt);
  if (!sent) deps.log.warn('handover request not sent', { mailbox: mailbox.id, askedOf: current.id });
  return waiting;
}

export interface HandoverDetails {
  /** The address waiting to take over. */
  mailbox: MailboxRow;
  /** The confirmed primary asked for its consent. */
  current: MailboxRow | null;
  authorityName: string;
  tokenHash: string;
}

export type HandoverView =
  | ({ state: 'valid' } & HandoverDetails)
  | ({ state: Exclude<LinkState, 'valid'> | 'not-pending' } & Partial<HandoverDetails>);

/** What following the handover link will do, without doing it. */
export async function inspectHandover(deps: Deps, secret: string): Promise<HandoverView> {
  const found = await inspectLink(deps, secret, ['handover']);
  if (!found.link) return { state: 'unknown' };
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, found.link.mailboxId) });
  if (!mailbox) return { state: 'unknown' };
  const current = mailbox.replacesId
    ? ((await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, mailbox.replacesId) })) ?? null)
    : null;
  const authority = await findAuthority(deps, mailbox.authorityCode);
  const details: HandoverDetails = {
    mailbox,
    current,
    authorityName: authority?.name ?? mailbox.authorityCode,
    tokenHash: found.link.tokenHash,
  };
  if (found.state !== 'valid') return { state: found.state, ...details };
  if (mailbox.state !== 'awaiting-handover' || current?.state !== 'confirmed')
    return { state: 'not-pending', ...details };
  return { state: 'valid', ...details };
}

export type HandoverAnswer = 'agree' | 'refuse';

/** The current primary's answer, through the link sent to it. */
export async function answerHandover(
  deps: Deps,
  secret: string,
  answer: HandoverAnswer,
  ip: string,
): Promise<HandoverView> {
  const found = await inspectHandover(deps, secret);
  if (found.state !== 'valid' || !found.current) return found;
  const actor = { principal: mailboxHolder(found.current.id, found.current.authorityCode), ip };
  const at = deps.clock.now();
  const link = { when: linkIsUnspent(found.tokenHash, at), spend: spendLink(deps, found.tokenHash, at) };
  try {
    const mailbox =
      answer === 'agree'
        ? await handOver(deps, actor, found.mailbox, at, link)
        : await refuse(deps, actor, found.mailbox, at, 'its council’s primary mailbox refused it', link);
    return { ...found, mailbox };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
    const now = await inspectHandover(deps, secret);
    return now.state === 'valid' ? { ...now, state: 'used' } : now;
  }
}

/** An admin's approval: the mailbox takes over now. */
export async function approveHandover(deps: Deps, actor: ActorContext, mailbox: MailboxRow) {
  mailboxTransitions.assertCan(mailbox, 'handOver');
  return handOver(deps, actor, mailbox, deps.clock.now());
}

/** An admin's refusal: the mailbox never receives anything. */
export async function refuseHandoverByAdmin(
  deps: Deps,
  actor: ActorContext,
  mailbox: MailboxRow,
  reason: string,
) {
  mailboxTransitions.assertCan(mailbox, 'refuseHandover');
  return refuse(deps, actor, mailbox, deps.clock.now(), reason);
}

interface LinkGuard {
  when: SQL;
  spend: ReturnType<typeof spendLink>;
}

async function handOver(
  deps: Deps,
  actor: ActorContext,
  mailbox: MailboxRow,
  at: Date,
  link?: LinkGuard,
  when?: SQL,
): Promise<MailboxRow> {
  const guards = [link?.when, when].filter((g) => g !== undefined);
  const { mailbox: confirmed, replaced } = await confirmReplacing(deps, actor, 'handOver', mailbox, {
    set: { ...confirmedReachability(deps.config, at), handoverDueAt: null },
    when: guards.length ? and(...guards) : undefined,
    audit: { before: { state: mailbox.state }, after: { replaces: mailbox.replacesId } },
    after: [...(link ? [link.spend] : []), retireEarlierLinks(deps, mailbox.id, 'handover', sql`1 = 1`)],
    at,
  });
  const authority = await requireAuthority(deps, confirmed.authorityCode);
  await sendConfirmed(deps, confirmed, authority);
  for (const old of replaced) await sendReplaced(deps, old, confirmed, authority);
  return confirmed;
}

async function refuse(
  deps: Deps,
  actor: ActorContext,
  mailbox: MailboxRow,
  at: Date,
  reason: string,
  link?: LinkGuard,
): Promise<MailboxRow> {
  const refused = await mailboxTransitions.apply(deps, actor, 'refuseHandover', mailbox.id, {
    set: { retiredAt: at, retiredReason: reason, handoverDueAt: null },
    when: link?.when,
    audit: { before: { state: mailbox.state }, after: { reason } },
    after: [...(link ? [link.spend] : []), retireEarlierLinks(deps, mailbox.id, 'handover', sql`1 = 1`)],
    at,
  });
  deps.log.warn('mailbox handover refused', {
    mailbox: refused.id,
    authority: refused.authorityCode,
    reason,
  });
  const authority = await requireAuthority(deps, refused.authorityCode);
  await sendHandoverRefused(deps, refused, authority, reason);
  return refused;
}

/** At most this many per run, so one run stays within an edge invocation's limits. */
const HANDOVERS_PER_RUN = 50;

export interface HandoverSweep {
  handedOver: string[];
  askedAgain: string[];
}

/**
 * The scheduled step: each mailbox whose window has ended takes over, if the primary it asked is still the
 * council's primary (or none is left). When another address became the primary meanwhile, that one is asked.
 */
export async function completeDueHandovers(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<HandoverSweep> {
  const at = deps.clock.now();
  const result: HandoverSweep = { handedOver: [], askedAgain: [] };
  const due = await deps.db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.state, 'awaiting-handover'), lte(mailboxes.handoverDueAt, at)))
    .limit(HANDOVERS_PER_RUN);
  for (const mailbox of due) {
    try {
      const current = await confirmedOfKind(deps, mailbox);
      const asked = current.find((c) => c.id === mailbox.replacesId);
      const other = current[0];
      if (!asked && other) {
        await askForHandover(deps, actor, 'askAgain', mailbox, other);
        result.askedAgain.push(mailbox.id);
        continue;
      }
      await handOver(deps, actor, mailbox, at, undefined, lte(mailboxes.handoverDueAt, at));
      result.handedOver.push(mailbox.id);
    } catch (err) {
      // Another instance, a click on the link or an admin got there first: nothing to do.
      if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
    }
  }
  if (due.length)
    deps.log.info('handover sweep', {
      handedOver: result.handedOver.length,
      askedAgain: result.askedAgain.length,
    });
  return result;
}
