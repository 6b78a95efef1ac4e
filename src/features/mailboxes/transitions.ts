// Every state change of a mailbox, by name: where it may start, where it ends, what the audit log calls it.
// Verbs apply these through `mailboxTransitions.apply(...)` (features/audit/transitions.ts): guarded,
// returning, audited once, 409 when another request changed the mailbox first.
import { mailboxes } from '../../db/schema.js';
import { liveMailboxStates, type MailboxState } from '../../domain/mailbox-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const mailboxTransitionTable = transitions<MailboxState>()({
  /** An admin approves a registration on a domain that is not the council's: its confirmation goes out. */
  approve: { action: 'mailbox.approve', verb: 'approve', from: ['awaiting-approval'], to: 'pending' },
  /** An admin refuses it: nothing is ever sent to the address. */
  refuse: { action: 'mailbox.refuse', verb: 'refuse', from: ['awaiting-approval'], to: 'refused' },
  /** Its confirmation link is followed. */
  confirm: { action: 'mailbox.confirm', verb: 'confirm', from: ['pending'], to: 'confirmed' },
  /** An admin vouches for it: approved and confirmed at once. */
  vouch: {
    action: 'mailbox.confirm',
    verb: 'vouch for',
    from: ['awaiting-approval', 'pending'],
    to: 'confirmed',
  },
  /** Retired by the council or an admin. */
  retire: { action: 'mailbox.retire', verb: 'retire', from: liveMailboxStates, to: 'retired' },
  /** Retired because a new mailbox of the same kind was confirmed (rotation without a gap). */
  replace: { action: 'mailbox.retire', verb: 'replace', from: ['confirmed'], to: 'retired' },
  /** A re-confirmation link is followed: it proves the mailbox is still read. */
  reconfirm: { action: 'mailbox.reconfirm', verb: 're-confirm', from: ['confirmed'] },
});

export type MailboxTransition = keyof typeof mailboxTransitionTable;

export const mailboxTransitions = defineAggregate({
  table: mailboxes,
  subject: 'mailbox',
  id: mailboxes.id,
  state: mailboxes.state,
  updatedAt: 'updatedAt',
  transitions: mailboxTransitionTable,
});
