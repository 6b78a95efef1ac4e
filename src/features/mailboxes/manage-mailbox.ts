// A council (or staff) managing one mailbox: read it with its history, resend its confirmation, retire it.

import { and, asc, eq } from 'drizzle-orm';
import { auditLog, linkTokens, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { enforceLimits, mailQuotaAllows, requesterLimits } from '../abuse/rate-limit.js';
import { withoutAddresses } from '../audit/list.js';
import { insertRowIf } from '../audit/transitions.js';
import { canSeeAuthority } from '../auth/scope.js';
import { requireAuthority } from '../authority-register/get-authority.js';
import { latestChecksFor } from '../checks/latest.js';
import { domainOf } from '../checks/status.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { afterRetirement } from './after-retirement.js';
import { confirmationTtl, issueLink, retireEarlierLinks } from './links.js';
import { sendConfirmation } from './notify.js';
import { mailboxTransitions } from './transitions.js';
import { type MailboxRow, toMailboxView } from './view.js';

/** The mailbox if the principal may see it; otherwise the same 404 as for a mailbox that does not exist. */
export async function findVisibleMailbox(deps: Deps, principal: Principal, id: string) {
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, id) });
  if (!mailbox || !(await canSeeAuthority(deps.db, principal, mailbox.authorityCode)))
    throw new AppError('not_found', `There is no mailbox with id "${id}" that you can see.`);
  return mailbox;
}

/** The mailbox's audit entries, oldest first; only admins see who registered it from which address. */
export async function mailboxHistory(deps: Deps, principal: Principal, id: string) {
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, 'mailbox'), eq(auditLog.subjectId, id)))
    .orderBy(asc(auditLog.id));
  return rows
    .map((r) => (principal.role === 'admin' ? r : withoutAddresses(r)))
    .map((r) => ({
      at: r.at.toISOString(),
      action: r.action,
      actor: r.actor,
      before: r.before,
      after: r.after,
    }));
}

export async function getMailbox(deps: Deps, principal: Principal, id: string) {
  const mailbox = await findVisibleMailbox(deps, principal, id);
  const domain = domainOf(mailbox.address);
  const checks = (await latestChecksFor(deps, [domain])).get(domain);
  return {
    ...toMailboxView(mailbox, { checks, softBounceThreshold: deps.config.SOFT_BOUNCE_THRESHOLD }),
    history: await mailboxHistory(deps, principal, id),
  };
}

export async function resendConfirmation(deps: Deps, actor: ActorContext, id: string) {
  assertMailAvailable(deps);
  const mailbox = await findVisibleMailbox(deps, actor.principal, id);
  mailboxTransitions.assertCan(mailbox, 'resend');
  await enforceLimits(deps, requesterLimits(deps, actor, 'resend'), 'confirmation e-mails from you');
  const authority = await requireAuthority(deps, mailbox.authorityCode);
  const resent = await resendLink(deps, actor, mailbox, authority);
  return { mailbox: toMailboxView(resent.mailbox), confirmationSent: resent.confirmationSent };
}

/**
 * A new confirmation link for a pending mailbox: written only while it is pending, then sent. The links
 * sent before stop working in the same write: only the newest confirms.
 */
export async function resendLink(
  deps: Deps,
  actor: ActorContext,
  mailbox: MailboxRow,
  authority: { code: string; name: string },
) {
  // Over the address's hourly quota of mail: no new link, so the ones already in the mailbox keep working.
  if (!(await mailQuotaAllows(deps, mailbox.address))) {
    mailboxTransitions.assertCan(mailbox, 'resend');
    return { mailbox, confirmationSent: false };
  }
  const link = await issueLink(deps, mailbox.id, 'confirm', confirmationTtl(deps));
  const pending = await mailboxTransitions.apply(deps, actor, 'resend', mailbox.id, {
    with: (stillApplies) => [
      retireEarlierLinks(deps, mailbox.id, 'confirm', stillApplies),
      insertRowIf(deps.db, linkTokens, link.row, stillApplies),
    ],
  });
  return { mailbox: pending, confirmationSent: await sendConfirmation(deps, pending, authority, link) };
}

/**
 * Retires a mailbox. A council cannot retire its only confirmed primary: it registers the replacement,
 * and confirming that retires the old one, so nothing falls through the gap. Admins can.
 */
export async function retireMailbox(deps: Deps, actor: ActorContext, id: string, reason: string) {
  const mailbox = await findVisibleMailbox(deps, actor.principal, id);
  mailboxTransitions.assertCan(mailbox, 'retire');
  if (mailbox.state === 'confirmed' && mailbox.kind === 'primary' && actor.principal.role !== 'admin')
    throw new AppError(
      'conflict',
      'This is the council’s confirmed primary mailbox. Register its replacement instead: when the new address is confirmed, this one is retired.',
    );
  const at = deps.clock.now();
  const retired = await mailboxTransitions.apply(deps, actor, 'retire', id, {
    set: { retiredAt: at, retiredReason: reason },
    // What was read is what is retired: a pending mailbox confirmed meanwhile is left alone.
    when: eq(mailboxes.state, mailbox.state),
    audit: { before: { state: mailbox.state }, after: { reason } },
    // Once retired: its sessions end, and nothing more is sent to it.
    after: afterRetirement(deps, id, at),
    at,
  });
  return toMailboxView(retired);
}

/** Changes the team name and phone number of a mailbox in use (its council, or staff in scope); audited. */
export async function changeMailboxContact(
  deps: Deps,
  actor: ActorContext,
  id: string,
  contact: { team: string; phone: string },
) {
  const mailbox = await findVisibleMailbox(deps, actor.principal, id);
  mailboxTransitions.assertCan(mailbox, 'editContact');
  const changed = await mailboxTransitions.apply(deps, actor, 'editContact', id, {
    set: { team: contact.team, phone: contact.phone },
    audit: {
      before: { team: mailbox.team, phone: mailbox.phone },
      after: { team: contact.team, phone: contact.phone },
    },
  });
  return toMailboxView(changed);
}
