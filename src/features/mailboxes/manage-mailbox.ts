// A council (or staff) managing one mailbox: read it with its history, resend its confirmation, retire it.
import { and, asc, eq } from 'drizzle-orm';
import { auditLog, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { enforceLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { canSeeAuthority } from '../auth/scope.js';
import { latestChecksFor } from '../checks/latest.js';
import { domainOf } from '../checks/status.js';
import { issueLink } from './links.js';
import { sendConfirmation } from './notify.js';
import { confirmationTtl, loadAuthority } from './register-mailbox.js';
import { toMailboxView } from './view.js';

/** The mailbox if the principal may see it; otherwise the same 404 as for a mailbox that does not exist. */
export async function findVisibleMailbox(deps: Deps, principal: Principal, id: string) {
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, id) });
  if (!mailbox || !(await canSeeAuthority(deps.db, principal, mailbox.authorityCode)))
    throw new AppError('not_found', `There is no mailbox with id "${id}" that you can see.`);
  return mailbox;
}

export async function mailboxHistory(deps: Deps, id: string) {
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subjectType, 'mailbox'), eq(auditLog.subjectId, id)))
    .orderBy(asc(auditLog.id));
  return rows.map((r) => ({
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
    history: await mailboxHistory(deps, id),
  };
}

export async function resendConfirmation(deps: Deps, actor: ActorContext, id: string) {
  const mailbox = await findVisibleMailbox(deps, actor.principal, id);
  if (mailbox.state !== 'pending')
    throw new AppError(
      'conflict',
      `Only a pending mailbox has a confirmation to resend; this one is ${mailbox.state}.`,
    );
  await enforceLimits(
    deps,
    [
      {
        key: `mail:address:${mailbox.address}`,
        max: deps.config.RATE_LIMIT_PER_ADDRESS,
        windowSeconds: 3600,
      },
      {
        key: `register:authority:${mailbox.authorityCode}`,
        max: deps.config.RATE_LIMIT_PER_AUTHORITY,
        windowSeconds: 3600,
      },
    ],
    'confirmation e-mails to this mailbox',
  );
  const authority = await loadAuthority(deps, mailbox.authorityCode);
  const link = await issueLink(deps, mailbox.id, 'confirm', confirmationTtl(deps));
  const now = deps.clock.now();
  await deps.db.batch([
    link.insert,
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.confirmation-resend',
      subjectType: 'mailbox',
      subjectId: id,
    }),
  ]);
  return {
    mailbox: toMailboxView(mailbox),
    confirmationSent: await sendConfirmation(deps, mailbox, authority, link),
  };
}

/**
 * Retires a mailbox. A council cannot retire its only confirmed primary: it registers the replacement,
 * and confirming that retires the old one, so nothing falls through the gap. Admins can.
 */
export async function retireMailbox(deps: Deps, actor: ActorContext, id: string, reason: string) {
  const mailbox = await findVisibleMailbox(deps, actor.principal, id);
  if (mailbox.state === 'retired' || mailbox.state === 'refused')
    throw new AppError('conflict', `This mailbox is already ${mailbox.state}.`);
  if (mailbox.state === 'confirmed' && mailbox.kind === 'primary' && actor.principal.role !== 'admin')
    throw new AppError(
      'conflict',
      'This is the council’s confirmed primary mailbox. Register its replacement instead: when the new address is confirmed, this one is retired.',
    );
  const now = deps.clock.now();
  const retired = {
    ...mailbox,
    state: 'retired' as const,
    retiredAt: now,
    retiredReason: reason,
    updatedAt: now,
  };
  await deps.db.batch([
    deps.db
      .update(mailboxes)
      .set({ state: 'retired', retiredAt: now, retiredReason: reason, updatedAt: now })
      .where(and(eq(mailboxes.id, id), eq(mailboxes.state, mailbox.state))),
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.retire',
      subjectType: 'mailbox',
      subjectId: id,
      before: { state: mailbox.state },
      after: { state: 'retired', reason },
    }),
  ]);
  return toMailboxView(retired);
}
