// Admin review of a registration on a domain that is not the council's (approve: the confirmation then goes
// out), or of a new primary waiting to replace the confirmed one (approve: it takes over now); refusing
// either means nothing is ever sent to the address.
import { eq } from 'drizzle-orm';
import { linkTokens, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { insertRowIf } from '../audit/transitions.js';
import { requireAuthority } from '../authority-register/get-authority.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { approveHandover, refuseHandoverByAdmin } from './handover.js';
import { confirmationTtl, issueLink } from './links.js';
import { sendConfirmation } from './notify.js';
import { mailboxTransitions } from './transitions.js';
import { toMailboxView } from './view.js';

async function requireMailbox(deps: Deps, id: string) {
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, id) });
  if (!mailbox) throw new AppError('not_found', `There is no mailbox with id "${id}".`);
  return mailbox;
}

/**
 * Approves a registration waiting for an admin: one on an unknown domain (its confirmation link then goes
 * out), or a new primary waiting to replace the confirmed one (it takes over now).
 */
export async function approveMailbox(deps: Deps, actor: ActorContext, id: string, note?: string) {
  assertMailAvailable(deps);
  const mailbox = await requireMailbox(deps, id);
  if (mailbox.state === 'awaiting-handover')
    return { mailbox: toMailboxView(await approveHandover(deps, actor, mailbox)), confirmationSent: false };
  mailboxTransitions.assertCan(mailbox, 'approve');
  const authority = await requireAuthority(deps, mailbox.authorityCode);
  const link = await issueLink(deps, mailbox.id, 'confirm', confirmationTtl(deps));
  const approved = await mailboxTransitions.apply(deps, actor, 'approve', id, {
    set: { approvedAt: deps.clock.now(), approvedBy: actor.principal.actor },
    audit: { before: { state: mailbox.state }, after: { note: note ?? null } },
    // The link exists only if this approval happened.
    with: (stillApplies) => [insertRowIf(deps.db, linkTokens, link.row, stillApplies)],
  });
  const confirmationSent = await sendConfirmation(deps, approved, authority, link);
  return { mailbox: toMailboxView(approved), confirmationSent };
}

/** Refuses a registration waiting for an admin (either kind): nothing is ever sent to it. */
export async function refuseMailbox(deps: Deps, actor: ActorContext, id: string, reason: string) {
  const mailbox = await requireMailbox(deps, id);
  if (mailbox.state === 'awaiting-handover')
    return { mailbox: toMailboxView(await refuseHandoverByAdmin(deps, actor, mailbox, reason)) };
  mailboxTransitions.assertCan(mailbox, 'refuse');
  const refused = await mailboxTransitions.apply(deps, actor, 'refuse', id, {
    set: { retiredAt: deps.clock.now(), retiredReason: reason },
    audit: { before: { state: mailbox.state }, after: { reason } },
  });
  return { mailbox: toMailboxView(refused) };
}
