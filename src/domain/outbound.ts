// The outbound queue's vocabulary: every e-mail the service sends waits in one queue, in lanes taken in
// priority order (a person waiting for a link first, advisories next, bulk re-confirmation last), and the
// sender (our mail server or relay) is either sending or paused after a failure of our own.

/** Lanes in the order they are served: a claim takes from the first lane with due mail, then the next. */
export const mailLanes = ['urgent', 'advisories', 'notices', 'bulk'] as const;
export type MailLane = (typeof mailLanes)[number];

/**
 * urgent      someone is waiting for it: sign-in and confirmation links, handover questions
 * advisories  advisory deliveries (their own table), escalations of unacknowledged advisories
 * notices     told after the fact: confirmed, replaced, approval needed, handover refused
 * bulk        re-confirmation links and reminders, stale-mailbox notices: spread over time
 */
export const laneRank: Record<MailLane, number> = { urgent: 0, advisories: 1, notices: 2, bulk: 3 };

/** The lanes kept in the outbound_mail table (advisory deliveries are rows of `deliveries`). */
export const queuedMailLanes = [
  'urgent',
  'advisories',
  'notices',
  'bulk',
] as const satisfies readonly MailLane[];

export const senderStates = ['sending', 'paused'] as const;
export type SenderState = (typeof senderStates)[number];
