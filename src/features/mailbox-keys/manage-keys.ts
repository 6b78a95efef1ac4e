// Reading and removing a mailbox's OpenPGP keys: whoever can see the mailbox (its council, its WARP's
// operators, admins) sees the keys' fingerprints; anyone else gets the same 404 as for no such mailbox.
import { and, desc, eq } from 'drizzle-orm';
import { inList, withinParameterLimit } from '../../db/limits.js';
import { mailboxKeys } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { mailboxKeyTransitions } from './transitions.js';
import { type MailboxKeyView, toMailboxKeyView } from './view.js';
import { findVisibleMailbox } from './visible-mailbox.js';

/** The mailbox's current keys (pending and confirmed), newest first. */
export async function listMailboxKeys(deps: Deps, principal: Principal, mailboxId: string) {
  const mailbox = await findVisibleMailbox(deps, principal, mailboxId);
  const rows = await deps.db
    .select()
    .from(mailboxKeys)
    .where(and(eq(mailboxKeys.mailboxId, mailbox.id), inList(mailboxKeys.state, ['pending', 'confirmed'])))
    .orderBy(desc(mailboxKeys.createdAt));
  return rows.map(toMailboxKeyView);
}

/** Removes a key of a mailbox the actor can see: advisories to it are no longer encrypted to it. */
export async function removeMailboxKey(deps: Deps, actor: ActorContext, mailboxId: string, keyId: string) {
  const mailbox = await findVisibleMailbox(deps, actor.principal, mailboxId);
  const key = await deps.db.query.mailboxKeys.findFirst({
    where: and(eq(mailboxKeys.id, keyId), eq(mailboxKeys.mailboxId, mailbox.id)),
  });
  if (!key) throw new AppError('not_found', `There is no key with id "${keyId}" for this mailbox.`);
  // Removing a confirmed key turns the council's AMBER/RED mail back into plaintext: only the council itself
  // or an admin may do that, never a WARP operator who merely sees the mailbox.
  if (key.state === 'confirmed' && !['council', 'admin'].includes(actor.principal.role))
    throw new AppError('forbidden', 'Only the council or an admin can remove a confirmed encryption key.');
  const removed = await mailboxKeyTransitions.apply(deps, actor, 'remove', key.id, {
    set: { confirmTokenHash: null },
    audit: { before: { state: key.state }, after: { mailboxId: mailbox.id, fingerprint: key.fingerprint } },
  });
  return toMailboxKeyView(removed);
}

/** The current keys of mailboxes the caller has already been shown (their list is scoped), by mailbox. */
export async function keysOfMailboxes(deps: Deps, mailboxIds: readonly string[]) {
  const byMailbox = new Map<string, MailboxKeyView[]>();
  if (mailboxIds.length === 0) return byMailbox;
  for (const ids of withinParameterLimit(mailboxIds, 1, 2)) {
    const rows = await deps.db
      .select()
      .from(mailboxKeys)
      .where(and(inList(mailboxKeys.mailboxId, ids), inList(mailboxKeys.state, ['pending', 'confirmed'])))
      .orderBy(desc(mailboxKeys.createdAt));
    for (const row of rows)
      byMailbox.set(row.mailboxId, [...(byMailbox.get(row.mailboxId) ?? []), toMailboxKeyView(row)]);
  }
  return byMailbox;
}
