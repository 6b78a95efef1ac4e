// What happened to one delivery, in the words a duty officer needs at a glance ("The mailbox does not
// exist", "The council's mail server is refusing mail for now"), read from its status and its last SMTP
// reply: the enhanced status code (RFC 3463) when the server gave one, else the reply's words. Whose side a
// failure is on is the status's (a technical failure is ours, never the council's).
import type { DeliveryStatus } from '../../domain/advisory-states.js';

export interface ReasonInput {
  status: DeliveryStatus;
  /** The basic SMTP reply code, when there was one. */
  code: number | null;
  reply: string | null;
  /** Another attempt is due. */
  retrying: boolean;
}

/** The enhanced status code in a reply ("5.1.1"), or null. */
function enhancedCode(reply: string): string | null {
  return /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(reply)?.slice(1, 4).join('.') ?? null;
}

/** The recipient's side, read from a refusal (for good or for now). */
function refusal(reply: string, permanent: boolean): string {
  const enhanced = enhancedCode(reply);
  const [, subject, detail] = enhanced?.split('.') ?? [];
  const says = (pattern: RegExp) => pattern.test(reply);
  if (says(/no (mx|mail exchanger)|takes no mail|null mx|does not accept (e-?)?mail/i))
    return 'The council’s e-mail domain does not accept e-mail';
  if (
    (subject === '1' && (detail === '1' || detail === '0')) ||
    says(/user unknown|unknown user|no such (user|recipient|mailbox)|does not exist|mailbox unavailable/i)
  )
    return 'The mailbox does not exist';
  if (subject === '1' && detail === '2') return 'The council’s e-mail domain does not exist';
  if ((subject === '2' && detail === '2') || says(/mailbox (is )?full|over quota|quota exceeded/i))
    return permanent ? 'The mailbox is full' : 'The mailbox is full for now';
  if (subject === '2' && detail === '1') return 'The mailbox is disabled';
  if (subject === '3' && detail === '4') return 'The message is too big for the council’s mail server';
  if (says(/greylist|graylist|try again later/i))
    return 'The council’s mail server is refusing mail for now (greylisting)';
  if (subject === '7')
    return permanent
      ? 'The council’s mail server refused it under its security policy (spam filter or sender checks)'
      : 'The council’s mail server is refusing mail for now under its security policy';
  if (subject === '4') return 'The council’s mail server could not be reached or routed to';
  return permanent
    ? 'The council’s mail server refused it'
    : 'The council’s mail server is refusing mail for now';
}

export function deliveryReason({ status, code, reply, retrying }: ReasonInput): string {
  const text = reply ?? '';
  switch (status) {
    case 'created':
      return 'Waiting to be sent';
    case 'sending':
      return 'Being sent now';
    case 'delivered':
      return 'The council’s mail server accepted it';
    case 'cancelled':
      return 'Not sent: the advisory was cancelled';
    case 'technical-failure':
      return retrying
        ? 'A fault on our side (our mail server or settings), not the council’s: we keep trying'
        : 'A fault on our side (our mail server or settings), not the council’s: we stopped trying';
    case 'permanent-failure':
      return refusal(text, true);
    case 'temporary-failure': {
      const reached = code !== null || /^\d{3}\b/.test(text);
      const why = reached ? refusal(text, false) : 'We could not reach the council’s mail server';
      return retrying ? `${why}: we keep trying` : `${why}: we stopped trying`;
    }
  }
}
