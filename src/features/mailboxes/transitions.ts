// Every state change of a mailbox, by name: where it may start, where it ends, what the audit log calls it.
// Verbs apply these through `mailboxTransitions.apply(...)` (features/audit/transitions.ts): guarded,
// returning, audited once, 409 when another request changed the mailbox first. Those without a `to` change
// other columns (reachability, links) and leave the state as it is; their `when` says what must still hold.
import { mailboxes } from '../../db/schema.js';
import { liveMailboxStates, type MailboxState, mailboxStates } from '../../domain/mailbox-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const mailboxTransitionTable = transitions<MailboxState>()({
  /** An admin approves a registration on a domain that is not the council's: its confirmation goes out. */
  approve: { action: 'mailbox.approve', verb: 'approve', from: ['awaiting-approval'], to: 'pending' },
  /** An admin refuses it: nothing is ever sent to the address. */
  refuse: { action: 'mailbox.refuse', verb: 'refuse', from: ['awaiting-approval'], to: 'refused' },
  /**
   * Its link is followed, but it would replace the council's confirmed primary: it waits for that primary's
   * consent (or an admin's, or the end of the window in which the primary may refuse).
   */
  awaitHandover: {
    action: 'mailbox.handover-requested',
    verb: 'confirm',
    from: ['pending'],
    to: 'awaiting-handover',
  },
  /** The window ended while another address became the primary: that one is asked instead. */
  askAgain: {
    action: 'mailbox.handover-requested',
    verb: 'ask again about',
    from: ['awaiting-handover'],
    to: 'awaiting-handover',
  },
  /** The primary agreed, an admin approved, or nobody refused in time: it takes over. */
  handOver: { action: 'mailbox.confirm', verb: 'hand over to', from: ['awaiting-handover'], to: 'confirmed' },
  /** The primary said "this is not us", or an admin refused: it never receives anything. */
  refuseHandover: {
    action: 'mailbox.handover-refused',
    verb: 'refuse',
    from: ['awaiting-handover'],
    to: 'refused',
  },
  /** A new confirmation link goes to a mailbox still waiting for its first confirmation. */
  resend: {
    action: 'mailbox.confirmation-resend',
    verb: 'send a confirmation link',
    from: ['pending'],
  },
  /** Its confirmation link is followed (guard: the link is unspent). */
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
  /** Its team name or phone number changes (a mailbox in use); its state does not. */
  editContact: { action: 'mailbox.edit', verb: 'change the contact details of', from: liveMailboxStates },
  /** Retired because a new mailbox of the same kind was confirmed (rotation without a gap). */
  replace: { action: 'mailbox.retire', verb: 'replace', from: ['confirmed'], to: 'retired' },
  /** The re-confirmation sweep sends the link that starts a cycle (guard: not asked yet, not stale). */
  ask: { action: 'mailbox.reconfirmation-sent', verb: 'ask to re-confirm', from: ['confirmed'] },
  /** The sweep sends a reminder (guard: the reminders sent are as the sweep read them). */
  remind: { action: 'mailbox.reconfirmation-reminder', verb: 'remind', from: ['confirmed'] },
  /** The sweep gives up waiting: the mailbox is stale until a link is followed. */
  stale: { action: 'mailbox.stale', verb: 'mark as stale', from: ['confirmed'] },
  /** A re-confirmation link is followed: it proves the mailbox is still read. */
  reconfirm: { action: 'mailbox.reconfirm', verb: 're-confirm', from: ['confirmed'] },
  /** A hard bounce, or its domain takes no mail (guard: not already unreachable). */
  unreachable: { action: 'mailbox.unreachable', verb: 'mark as unreachable', from: mailboxStates },
  /** Its domain takes mail again (guard: the unreachable mark came from DNS). */
  reachable: { action: 'mailbox.reachable', verb: 'mark as reachable', from: mailboxStates },
  /** A delay, or a temporary failure given up on: counted towards "at risk". */
  softBounce: { action: 'mailbox.soft-bounce', verb: 'mark as soft-bounced', from: mailboxStates },
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
