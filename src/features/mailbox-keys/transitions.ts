// Every state change of a mailbox's OpenPGP key, by name (see features/audit/transitions.ts): guarded,
// returning, audited once, 409 when another request changed the key first. A key is added (an insert,
// audited as `mailbox-key.add`), then confirmed by its link; confirming another key replaces it.
import { mailboxKeys } from '../../db/schema.js';
import { type MailboxKeyState, mailboxKeyStates } from '../../domain/mailbox-key-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const mailboxKeyTransitionTable = transitions<MailboxKeyState>()({
  /** Its link, sent encrypted to it, is followed (guard: the link is this key's, unexpired). */
  confirm: { action: 'mailbox-key.confirm', verb: 'confirm', from: ['pending'], to: 'confirmed' },
  /** The council or staff take it away; advisories to the mailbox are no longer encrypted. */
  remove: { action: 'mailbox-key.remove', verb: 'remove', from: ['pending', 'confirmed'], to: 'removed' },
  /** The checks found it expired, expiring, revoked or gone from where it was found (or fine again). */
  check: {
    action: 'mailbox-key.checked',
    verb: 'check',
    from: mailboxKeyStates,
    keepUpdatedAt: true,
  },
});

export type MailboxKeyTransition = keyof typeof mailboxKeyTransitionTable;

export const mailboxKeyTransitions = defineAggregate({
  table: mailboxKeys,
  subject: 'mailbox key',
  id: mailboxKeys.id,
  state: mailboxKeys.state,
  updatedAt: 'updatedAt',
  transitions: mailboxKeyTransitionTable,
});
