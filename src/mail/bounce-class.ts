// Whose fault a bounce is, from its RFC 3464 Action and RFC 3463 enhanced status code (class.subject.detail),
// falling back to the SMTP reply code in the Diagnostic-Code:
//   mailbox   the recipient's address or mailbox is wrong or gone (5.1.1 no such user, 5.1.2 no such domain,
//             5.1.3 bad address syntax, 5.1.6 moved, 5.1.10 null MX, 5.2.1 disabled, 5.4.4 unroutable):
//             the delivery failed for good and the mailbox is unreachable.
//   soft      the mailbox exists but could not take it now, or gave up after trying (mailbox full 5.2.2,
//             any 4.x.x, a delay): a soft bounce; the mailbox is not blamed.
//   ours      the receiving system refused OUR mail: our sender address or domain (5.1.7, 5.1.8), our
//             message (too big: 5.2.3, 5.3.4; content: 5.6.x), or policy and authentication of our mail
//             (5.7.x: SPF, DKIM, DMARC, reputation, "not authorised"): a technical failure of ours, never
//             the council's, and an alert for the operators.
//   unknown   a permanent failure with no code that says why (5.0.0 and friends): the delivery failed, the
//             mailbox is not marked (one vague report is not proof), a soft bounce is counted.
//   none      not a failure (delivered, relayed, expanded).
export const bounceClasses = ['mailbox', 'soft', 'ours', 'unknown', 'none'] as const;
export type BounceClass = (typeof bounceClasses)[number];

/** Detail codes by class.subject, for class 5 (permanent). Anything not listed falls to its subject's rule. */
const permanent: Record<string, BounceClass> = {
  '5.1.1': 'mailbox',
  '5.1.2': 'mailbox',
  '5.1.3': 'mailbox',
  '5.1.4': 'mailbox', // ambiguous destination address
  '5.1.6': 'mailbox',
  '5.1.7': 'ours', // bad sender's mailbox address syntax
  '5.1.8': 'ours', // bad sender's system address
  '5.1.10': 'mailbox', // recipient address has null MX (RFC 7505)
  '5.2.1': 'mailbox', // mailbox disabled
  '5.2.2': 'soft', // mailbox full
  '5.2.3': 'ours', // message length exceeds administrative limit
  '5.2.4': 'soft', // mailing list expansion problem
  '5.3.4': 'ours', // message too big for system
  '5.4.4': 'mailbox', // unable to route (the recipient's domain)
};

/** By subject when the detail is not listed: 5.6.x content and 5.7.x security/policy are about our mail. */
const bySubject: Record<string, BounceClass> = {
  '5.6': 'ours',
  '5.7': 'ours',
};

function classOfStatus(status: string): BounceClass | null {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status.trim());
  if (!m) return null;
  const [, klass, subject, detail] = m;
  if (klass === '2') return 'none';
  if (klass === '4') return 'soft';
  const code = `${klass}.${Number(subject)}.${Number(detail)}`;
  return permanent[code] ?? bySubject[`${klass}.${Number(subject)}`] ?? 'unknown';
}

/** The enhanced status code inside a diagnostic such as `smtp; 550 5.1.1 <x@y>: User unknown`. */
export function enhancedCodeIn(diagnostic: string | null | undefined): string | null {
  return /(?:^|[\s;])([245]\.\d{1,3}\.\d{1,3})(?=[\s:;,.)]|$)/.exec(diagnostic ?? '')?.[1] ?? null;
}

export function classifyBounce(report: {
  action: string;
  status: string | null;
  diagnosticCode: string | null;
}): BounceClass {
  const action = report.action.toLowerCase();
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return 'none';
  if (action === 'delayed') return 'soft';
  // The Status field first; a server's own words can be more precise than a relay's generic 5.0.0.
  const fromStatus = report.status ? classOfStatus(report.status) : null;
  const inDiagnostic = enhancedCodeIn(report.diagnosticCode);
  const fromDiagnostic = inDiagnostic ? classOfStatus(inDiagnostic) : null;
  if (fromStatus && fromStatus !== 'unknown') return fromStatus;
  if (fromDiagnostic && fromDiagnostic !== 'unknown') return fromDiagnostic;
  if (fromStatus || fromDiagnostic) return 'unknown';
  const smtp = /(?:^|[;\s])([245])\d\d[\s-]/.exec(report.diagnosticCode ?? '')?.[1];
  if (smtp === '4') return 'soft';
  if (action === 'failed') return 'unknown';
  return 'none';
}
