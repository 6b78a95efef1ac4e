// Whose fault a bounce is, from its RFC 3464 Action and its enhanced status code (RFC 3463 class.subject.
// detail, the registry of RFC 5248), reading the SMTP reply code and the server's own words when the code is
// absent or says too little (5.0.0, 5.5.0, 5.7.1, Microsoft 365's 5.4.1 …):
//   mailbox   (recipient-permanent) the recipient's address or mailbox is wrong or gone (5.1.1 no such
//             user, 5.1.2 no such domain, 5.1.3 bad syntax, 5.1.6 moved, 5.1.10 null MX, 5.2.1 disabled,
//             5.4.4 unroutable, 5.7.17/18 owner changed), or the council's system only takes mail from
//             its own people (Microsoft 365's RESOLVER.RST.* restrictions): the delivery failed for good
//             and the mailbox is unreachable.
//   soft      (recipient-soft) the mailbox exists but could not take it now, or gave up after trying
//             (mailbox full 5.2.2, system full 5.3.1, any 4.x.x, a delay, a host that did not answer):
//             a soft bounce; the mailbox is not blamed.
//   ours      the receiving system refused OUR mail: our sender address or domain (5.1.7, 5.1.8, 5.7.27),
//             our message (too big: 5.2.3, 5.3.4; content: 5.6.x; protocol: 5.5.x), or policy and
//             authentication of our mail (5.7.x: SPF 5.7.23, DKIM, DMARC 5.7.26, reputation, "sender not
//             authorised"): a technical failure of ours, never the council's, and an alert for the operators.
//   unknown   a permanent failure that says nothing about why (5.0.0 and friends with no telling words):
//             the delivery failed, the mailbox is not marked (one vague report is not proof).
//   none      not a failure (delivered, relayed, expanded).
export const bounceClasses = ['mailbox', 'soft', 'ours', 'unknown', 'none'] as const;
export type BounceClass = (typeof bounceClasses)[number];

/** The words of the issue's vocabulary for each class (recipient-permanent, recipient-soft …). */
export const bounceClassMeaning: Record<BounceClass, string> = {
  mailbox: 'recipient-permanent: the address or mailbox is wrong or gone',
  soft: 'recipient-soft: the mailbox could not take it now (full, busy, delayed)',
  ours: 'ours: the receiving system refused our mail (sender, message, policy or authentication)',
  unknown: 'unknown: a permanent failure that does not say why',
  none: 'not a failure',
};

/**
 * Permanent (class 5) codes by class.subject.detail. `text` means the code alone does not say whose fault it
 * is and the server's words decide (falling back to the value after it when they say nothing).
 */
type Rule = BounceClass | { text: BounceClass };
const permanent: Record<string, Rule> = {
  '5.1.1': 'mailbox', // bad destination mailbox address (no such user)
  '5.1.2': 'mailbox', // bad destination system address (no such domain)
  '5.1.3': 'mailbox', // bad destination mailbox address syntax
  '5.1.4': 'mailbox', // destination mailbox address ambiguous
  '5.1.6': 'mailbox', // destination mailbox has moved, no forwarding address
  '5.1.7': 'ours', // bad sender's mailbox address syntax
  '5.1.8': 'ours', // bad sender's system address
  '5.1.10': 'mailbox', // recipient address has null MX (RFC 7505)
  '5.2.1': 'mailbox', // mailbox disabled, not accepting messages
  '5.2.2': 'soft', // mailbox full
  '5.2.3': 'ours', // message length exceeds administrative limit
  '5.2.4': 'soft', // mailing list expansion problem
  '5.3.1': 'soft', // mail system full
  '5.3.2': 'soft', // system not accepting network messages
  '5.3.3': 'ours', // system not capable of selected features
  '5.3.4': 'ours', // message too big for system
  '5.3.5': 'soft', // system incorrectly configured (theirs, and usually mended)
  // Microsoft 365 says 5.4.1 for "Recipient address rejected: Access denied" (no such recipient in the
  // tenant); RFC 3463's 5.4.1 is "no answer from host", transient in practice.
  '5.4.1': { text: 'soft' },
  '5.4.2': 'soft', // bad connection
  '5.4.3': 'soft', // directory server failure
  '5.4.4': 'mailbox', // unable to route (the recipient's domain)
  '5.4.5': 'soft', // mail system congestion
  '5.4.6': 'soft', // routing loop detected
  '5.4.7': 'soft', // delivery time expired (retried, then given up)
  '5.5.0': { text: 'unknown' }, // "mailbox unavailable" from many servers: the words decide
  '5.7.0': { text: 'ours' },
  '5.7.1': { text: 'ours' }, // "delivery not authorized": ours unless the words are about the recipient
  '5.7.2': 'soft', // mailing list expansion prohibited
  '5.7.13': 'ours', // user account disabled (our submission account, RFC 4954)
  '5.7.17': 'mailbox', // mailbox owner has changed (RFC 7293)
  '5.7.18': 'mailbox', // domain owner has changed (RFC 7293)
  '5.7.19': 'unknown', // RRVS test cannot be completed
  '5.7.23': 'ours', // SPF validation failed
  '5.7.26': 'ours', // multiple authentication checks failed (DMARC)
  '5.7.27': 'ours', // sender address has null MX
  // Microsoft 365: the recipient (a group, mailbox, public folder or mail user) takes mail only from
  // authenticated senders inside the tenant, or from a list: the council's set-up refuses outside mail.
  '5.7.129': 'mailbox',
  '5.7.133': 'mailbox',
  '5.7.134': 'mailbox',
  '5.7.135': 'mailbox',
  '5.7.136': 'mailbox',
};

/** By subject when the detail is not listed. */
const bySubject: Record<string, Rule> = {
  '5.1': { text: 'unknown' }, // 5.1.0 other address status, 5.1.5, 5.1.9
  '5.2': { text: 'unknown' },
  '5.3': { text: 'unknown' },
  '5.4': { text: 'unknown' },
  '5.5': 'ours', // protocol: our client's commands or parameters
  '5.6': 'ours', // media: our message's content or encoding
  '5.7': 'ours', // security or policy: of our mail
};

/**
 * The server's own words, in the order they are tried: the recipient restrictions Microsoft 365 names,
 * then anything about the sender or our mail's authentication or reputation, then the mailbox being full,
 * our message's size, a relay refusal (which proves nothing), and last the recipient's address.
 */
const words: Array<[RegExp, BounceClass]> = [
  [
    /RESOLVER\.(ADR\.(RecipientNotFound|ExRecipNotFound|InvalidAddress)|RST\.(AuthRequired|NotAuthorized|RecipientRestricted|SenderNotAuthenticated\w*|RestrictedToRecipients\w*|DLNeedsSenderRestrictions))/i,
    'mailbox',
  ],
  [
    /\bsender\b|\bmail from\b|\bspf\b|\bdkim\b|\bdmarc\b|\bspam|\bblock(ed|list)\b|\bblacklist|\bdenylist|spamhaus|\bRBL\b|\breputation\b|client host|your (ip|server|domain)|\bunauthenticated\b|not (authori[sz]ed|permitted|allowed) to send/i,
    'ours',
  ],
  [
    /mailbox (is )?full|\bover ?quota\b|quota (exceeded|full)|exceeded (the|its|storage) (quota|allocation)|insufficient (system )?storage|mailbox size limit|out of storage/i,
    'soft',
  ],
  [/message (is )?too (big|large)|message size|size limit|exceeds? (the )?(maximum|message) size/i, 'ours'],
  // "Relay access denied": the host we reached does not take mail for that domain; not proof either way.
  [/relay(ing)? (access )?denied|not permitted to relay|relay not permitted/i, 'unknown'],
  [
    /user unknown|unknown (user|recipient|mailbox)|no such (user|mailbox|recipient|address|person)|recipient (address )?(rejected|unknown|not found|invalid)|invalid (recipient|mailbox|address)|mailbox (unavailable|not found|does not exist|disabled|inactive)|(address|account|mailbox|user) (does not|doesn't) exist|unrouteable address|account (has been )?(disabled|deactivated|closed)|\baccess denied\b/i,
    'mailbox',
  ],
];

/** The class the server's words give, or null when they say nothing we recognise. */
export function classOfWords(text: string | null | undefined): BounceClass | null {
  if (!text) return null;
  for (const [pattern, klass] of words) if (pattern.test(text)) return klass;
  return null;
}

/** A code's class, reading the words where the code leaves it open; null when the code is not one. */
function classOfStatus(status: string, text: string | null): BounceClass | null {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status.trim());
  if (!m) return null;
  const [, klass, subject, detail] = m;
  if (klass === '2') return 'none';
  if (klass === '4') return 'soft';
  const code = `${klass}.${Number(subject)}.${Number(detail)}`;
  const rule =
    permanent[code] ?? (Number(subject) === 0 ? undefined : bySubject[`${klass}.${Number(subject)}`]);
  if (rule === undefined) return classOfWords(text) ?? 'unknown'; // 5.0.0 and unregistered subjects
  if (typeof rule === 'string') return rule;
  return classOfWords(text) ?? rule.text;
}

/** The enhanced status code inside a diagnostic such as `smtp; 550 5.1.1 <x@y>: User unknown`. */
export function enhancedCodeIn(diagnostic: string | null | undefined): string | null {
  return /(?:^|[\s;#])([245]\.\d{1,3}\.\d{1,3})(?=[\s:;,.)\]-]|$)/.exec(diagnostic ?? '')?.[1] ?? null;
}

/** True for a code that says nothing beyond its class (x.0.0): a more precise one elsewhere wins. */
const vague = (code: string | null) => !code || /^\d\.0\.0$/.test(code);

interface ReportFields {
  action: string;
  status: string | null;
  diagnosticCode: string | null;
}

/**
 * The enhanced code that says most: the Status field, unless it is vague and the server's own reply carries
 * a precise one (Exim and some relays report 5.0.0 whatever the remote server said).
 */
export function tellingCode(report: Omit<ReportFields, 'action'>): string | null {
  const inDiagnostic = enhancedCodeIn(report.diagnosticCode);
  return vague(report.status) && !vague(inDiagnostic) ? inDiagnostic : (report.status ?? inDiagnostic);
}

export function classifyBounce(report: ReportFields): BounceClass {
  const action = report.action.toLowerCase();
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return 'none';
  if (action === 'delayed') return 'soft';
  const text = report.diagnosticCode;
  const status = tellingCode(report);
  if (status) {
    const klass = classOfStatus(status, text);
    if (klass) return klass;
  }
  // No enhanced code at all: the SMTP reply code, then the words.
  const smtp = /(?:^|[;\s])([245])\d\d(?=[\s-]|$)/.exec(text ?? '')?.[1];
  if (smtp === '4') return 'soft';
  const fromWords = classOfWords(text);
  if (fromWords) return fromWords;
  if (action === 'failed' || smtp === '5') return 'unknown';
  return 'none';
}
