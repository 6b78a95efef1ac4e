// A mailbox's OpenPGP keys: where a key came from and where it is in its life. The one home of these lists.
//
// pending    given (uploaded or discovered); its confirmation link went to the mailbox, encrypted to it
// confirmed  the link was followed: advisories marked TLP:AMBER or TLP:RED are encrypted to it
// replaced   another key of the mailbox was confirmed after it
// removed    the council (or an admin) took it away, or a pending key was superseded before confirmation
export const mailboxKeySources = ['upload', 'wkd', 'security-txt'] as const;
export type MailboxKeySource = (typeof mailboxKeySources)[number];

export const mailboxKeyStates = ['pending', 'confirmed', 'replaced', 'removed'] as const;
export type MailboxKeyState = (typeof mailboxKeyStates)[number];

/** States in which a key still belongs to its mailbox (one of each at most). */
export const liveMailboxKeyStates = ['pending', 'confirmed'] as const satisfies readonly MailboxKeyState[];
