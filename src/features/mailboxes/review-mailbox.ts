// Admin review of a registration on a domain that is not the council's: approve (the confirmation then
// goes out) or refuse (nothing is ever sent to the address).
import { and, eq } from 'drizzle-orm';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { type ActorContext, auditEntry } from '../audit/record.js';
import { issueLink } from './links.js';
import { sendConfirmation } from './notify.js';
import { confirmationTtl, loadAuthority } from './register-mailbox.js';
import { toMailboxView } from './view.js';

async function awaitingMailbox(deps: Deps, id: string) {
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, id) });
  if (!mailbox) throw new AppError('not_found', `There is no mailbox with id "${id}".`);
  if (mailbox.state !== 'awaiting-approval')
    throw new AppError('conflict', `This mailbox is ${mailbox.state}, not awaiting approval.`);
  return mailbox;
}

export async function approveMailbox(deps: Deps, actor: ActorContext, id: string, note?: string) {
  const mailbox = await awaitingMailbox(deps, id);
  const authority = await loadAuthority(deps, mailbox.authorityCode);
  const now = deps.clock.now();
  const link = await issueLink(deps, mailbox.id, 'confirm', confirmationTtl(deps));
  const approved = {
    ...mailbox,
    state: 'pending' as const,
    approvedAt: now,
    approvedBy: actor.principal.actor,
    updatedAt: now,
  };
  await deps.db.batch([
    deps.db
      .update(mailboxes)
      .set({ state: 'pending', approvedAt: now, approvedBy: actor.principal.actor, updatedAt: now })
      .where(and(eq(mailboxes.id, id), eq(mailboxes.state, 'awaiting-approval'))),
    link.insert,
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.approve',
      subjectType: 'mailbox',
      subjectId: id,
      before: { state: 'awaiting-approval' },
      after: { state: 'pending', note: note ?? null },
    }),
  ]);
  const confirmationSent = await sendConfirmation(deps, approved, authority, link);
  return { mailbox: toMailboxView(approved), confirmationSent };
}

export async function refuseMailbox(deps: Deps, actor: ActorContext, id: string, reason: string) {
  const mailbox = await awaitingMailbox(deps, id);
  const now = deps.clock.now();
  const refused = {
    ...mailbox,
    state: 'refused' as const,
    retiredAt: now,
    retiredReason: reason,
    updatedAt: now,
  };
  await deps.db.batch([
    deps.db
      .update(mailboxes)
      .set({ state: 'refused', retiredAt: now, retiredReason: reason, updatedAt: now })
      .where(and(eq(mailboxes.id, id), eq(mailboxes.state, 'awaiting-approval'))),
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.refuse',
      subjectType: 'mailbox',
      subjectId: id,
      before: { state: 'awaiting-approval' },
      after: { state: 'refused', reason },
    }),
  ]);
  return { mailbox: toMailboxView(refused) };
}
