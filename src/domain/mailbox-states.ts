// A mailbox's kinds and lifecycle states, and which states are "live": registered and not yet retired or
// refused. Only a confirmed mailbox receives advisories; every live one counts in coverage and blocks a
// second registration of the same address. The one home of these lists: schema, queries and pages use it.
export const mailboxKinds = ['primary', 'secondary', 'out-of-hours'] as const;
export type MailboxKind = (typeof mailboxKinds)[number];

/**
 * awaiting-approval  on a domain that is not the council's: an admin must approve it first
 * pending            its confirmation link is out
 * awaiting-handover  confirmed by its link, to replace the council's confirmed primary: waits for that
 *                    primary's consent (or an admin's, or the end of the window in which it may refuse)
 * confirmed          receives advisories
 * retired, refused   kept for history, never sent anything again
 */
export const mailboxStates = [
  'awaiting-approval',
  'pending',
  'awaiting-handover',
  'confirmed',
  'retired',
  'refused',
] as const;
export type MailboxState = (typeof mailboxStates)[number];

export const liveMailboxStates = [
  'awaiting-approval',
  'pending',
  'awaiting-handover',
  'confirmed',
] as const satisfies readonly MailboxState[];
export type LiveMailboxState = (typeof liveMailboxStates)[number];

/** Retired or refused: kept for history, never sent anything again. */
export const endedMailboxStates = ['retired', 'refused'] as const satisfies readonly MailboxState[];

export function isLiveMailboxState(state: string): state is LiveMailboxState {
  return (liveMailboxStates as readonly string[]).includes(state);
}
