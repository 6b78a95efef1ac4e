// GOV.UK tags. One colour for each status word, whichever vocabulary it comes from, so that a word looks the
// same on every page (and the coverage buckets take the colours the charts draw them in); the words each
// vocabulary shows; and the TLP label in FIRST TLP 2.0's own colours on black (domain/tlp.ts).
import type { Child } from 'hono/jsx';
import type { AdvisoryState, DeliveryStatus } from '../../domain/advisory-states.js';
import type { CheckSeverity } from '../../domain/check-results.js';
import type { MailboxState } from '../../domain/mailbox-states.js';
import type { TlpLabel } from '../../domain/tlp.js';
import type { MailboxStatus } from '../../features/checks/status.js';
import type { Bucket } from '../../features/coverage/mailbox-state.js';

/** GOV.UK Frontend's tag colours (`govuk-tag--<colour>`). */
export type TagColour =
  | 'grey'
  | 'green'
  | 'turquoise'
  | 'blue'
  | 'light-blue'
  | 'purple'
  | 'pink'
  | 'red'
  | 'orange'
  | 'yellow';

type Status = MailboxState | MailboxStatus | AdvisoryState | DeliveryStatus | CheckSeverity | Bucket;

/**
 * The one colour map. Green: done and well; blue: under way; yellow: not right yet, and may right itself;
 * orange: needs someone; purple: stale; red: failed or ended; grey: nothing yet, or nothing to say.
 */
export const statusColours: Record<Status, TagColour> = {
  // mailbox state, reachability and coverage
  confirmed: 'green',
  pending: 'blue',
  unverified: 'blue',
  'awaiting-approval': 'orange',
  'awaiting-handover': 'orange',
  'at-risk': 'orange',
  stale: 'purple',
  unreachable: 'red',
  refused: 'red',
  retired: 'grey',
  none: 'grey',
  // advisory state and delivery status (GOV.UK Notify's names)
  draft: 'grey',
  created: 'grey',
  sending: 'blue',
  sent: 'green',
  delivered: 'green',
  'temporary-failure': 'yellow',
  'technical-failure': 'yellow',
  'permanent-failure': 'red',
  cancelled: 'red',
  // domain check severity
  ok: 'green',
  info: 'blue',
  warning: 'yellow',
  critical: 'red',
  temporary: 'grey',
};

/** What each vocabulary calls its values on a page. */
export const statusWords = {
  mailboxState: {
    'awaiting-approval': 'Waiting for approval',
    pending: 'Waiting for confirmation',
    'awaiting-handover': 'Waiting for the current primary to agree',
    confirmed: 'Confirmed',
    retired: 'Removed',
    refused: 'Refused',
  } satisfies Record<MailboxState, string>,
  mailboxStatus: {
    confirmed: 'Reachable',
    unverified: 'Not confirmed yet',
    stale: 'Stale: re-confirmation overdue',
    unreachable: 'Unreachable',
    'at-risk': 'At risk',
    retired: 'Removed',
  } satisfies Record<MailboxStatus, string>,
  advisoryState: {
    draft: 'Draft',
    'awaiting-approval': 'Waiting for a second admin',
    sending: 'Sending',
    sent: 'Sent',
    cancelled: 'Cancelled',
  } satisfies Record<AdvisoryState, string>,
  deliveryStatus: {
    created: 'Waiting to send',
    sending: 'Sending',
    delivered: 'Delivered',
    'temporary-failure': 'Temporary failure',
    'permanent-failure': 'Permanent failure',
    'technical-failure': 'Technical failure',
    cancelled: 'Cancelled',
  } satisfies Record<DeliveryStatus, string>,
  checkSeverity: {
    ok: 'OK',
    info: 'Information',
    warning: 'Warning',
    critical: 'Critical',
    temporary: 'Try again later',
  } satisfies Record<CheckSeverity, string>,
  bucket: {
    confirmed: 'Confirmed',
    stale: 'Stale',
    unreachable: 'Unreachable',
    pending: 'Pending',
    none: 'None',
  } satisfies Record<Bucket, string>,
};

export type Vocabulary = keyof typeof statusWords;

/** A value's words in a vocabulary (the value itself for one the vocabulary does not know). */
export function statusWord(of: Vocabulary, value: string): string {
  return (statusWords[of] as Record<string, string>)[value] ?? value;
}

export function Tag({
  colour,
  classes,
  children,
}: {
  colour?: TagColour;
  classes?: string;
  children?: Child;
}) {
  const names = ['govuk-tag', colour && `govuk-tag--${colour}`, classes].filter(Boolean).join(' ');
  return <strong class={names}>{children}</strong>;
}

/** A status as a tag: its vocabulary's words, in the status's colour. */
export function StatusTag({ of, value }: { of: Vocabulary; value: string }) {
  return <Tag colour={statusColours[value as Status]}>{statusWord(of, value)}</Tag>;
}

/** The class that gives a TLP label its colour (static.ts writes the rules from domain/tlp.ts). */
export function tlpClass(tlp: TlpLabel | string): string {
  return `app-tlp--${tlp.toLowerCase().replace(/[^a-z]+/g, '-')}`;
}

export function TlpTag({ tlp }: { tlp: string }) {
  return <strong class={`govuk-tag app-tlp ${tlpClass(tlp)}`}>TLP:{tlp}</strong>;
}
