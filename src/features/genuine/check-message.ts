// "Is this e-mail really from us?": a received message is judged on three things, and only these are told:
//   - DKIM: a signature of one of our domains (dkim-keys.ts) that verifies; which part changed when not;
//   - OpenPGP: the PGP/MIME signature against our published keys (pgp-check.ts);
//   - whether we sent that Message-ID to the address it is addressed to (sent-record.ts).
// Verdicts (README "Is this genuine?" has the table):
//   genuine         sent to that address, our DKIM signature valid, and the OpenPGP signature valid when
//                   it is signed (DKIM covers the whole body, so an advisory sent before a key was set is
//                   genuine on DKIM alone). Without our DKIM (DKIM_DOMAIN not set, or an old selector no
//                   longer published) a valid OpenPGP signature is enough: the content is ours.
//   altered         sent to that address, but a signature of ours fails, or is missing where we sign:
//                   the body/attachments or the headers changed.
//   not-sent-by-us  no record of that Message-ID sent to that address: forged, or re-addressed (a changed
//                   To is "not sent to you", whatever else is true), or forwarded inline (a new message).
//   cannot-check    sent to that address, but nothing of ours can be checked: an encrypted advisory where
//                   we do not DKIM-sign (the council's mail program checks its inner signature; where we
//                   DKIM-sign, an encrypted copy without our signature is altered), or our DKIM key could
//                   not be fetched just now.
// A message forwarded as an attachment is checked by uploading the attached .eml.
import type { Deps } from '../../deps.js';
import { type DkimResult, verifyDkim } from '../../mail/dkim-verify.js';
import type { RawMessage } from '../../mail/raw-message.js';
import { serviceKeyState } from '../openpgp/service-key.js';
import { dkimExpected, ourDkimDomains, ourDkimKeys } from './dkim-keys.js';
import { checkPgp, type PgpOutcome } from './pgp-check.js';
import { sentRecord } from './sent-record.js';

export const verdicts = ['genuine', 'altered', 'not-sent-by-us', 'cannot-check'] as const;
export type Verdict = (typeof verdicts)[number];

/** Our DKIM signature: `pass`, `fail` (ours, and it does not verify), `none` (no signature of ours), `unknown`. */
export const dkimChecks = ['pass', 'fail', 'none', 'unknown'] as const;
export type DkimCheck = (typeof dkimChecks)[number];
export const pgpChecks = ['pass', 'fail', 'not-ours', 'none', 'encrypted', 'no-key'] as const;

export interface MessageCheck {
  verdict: Verdict;
  checks: { dkim: DkimCheck; openpgp: PgpOutcome; sentToAddress: boolean };
  /** What changed, when the verdict is `altered`. */
  changed: 'body' | 'headers' | null;
  explanation: string;
}

/** Fields mail programs show or act on: each at most once (RFC 5322 §3.6), and signed when present. */
const READER_FIELDS = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id'];

/** Our signatures' results summed up: the best one counts; a failure says which part changed. */
function dkimOf(
  results: DkimResult[],
  ours: Set<string>,
  present: Set<string>,
  duplicated: boolean,
): { check: DkimCheck; changed: 'body' | 'headers' | null; unknown: 'temporary' | 'no-key' | null } {
  const mine = results.filter((r) => ours.has(r.domain));
  // A pass counts only when every field a reader relies on is unique and covered by that signature: a
  // second Subject/To/Reply-To added on top is not what a bottom-up verifier checked.
  const covers = (r: DkimResult) =>
    READER_FIELDS.every((n) => !present.has(n) || r.signedHeaders?.includes(n));
  if (mine.some((r) => r.outcome === 'pass' && covers(r)) && !duplicated)
    return { check: 'pass', changed: null, unknown: null };
  if (mine.some((r) => r.outcome === 'pass')) return { check: 'fail', changed: 'headers', unknown: null };
  if (mine.some((r) => r.outcome === 'body')) return { check: 'fail', changed: 'body', unknown: null };
  if (mine.some((r) => r.outcome === 'headers')) return { check: 'fail', changed: 'headers', unknown: null };
  if (mine.some((r) => r.outcome === 'temporary'))
    return { check: 'unknown', changed: null, unknown: 'temporary' };
  if (mine.some((r) => r.outcome === 'no-key')) return { check: 'unknown', changed: null, unknown: 'no-key' };
  if (mine.some((r) => r.outcome === 'invalid')) return { check: 'fail', changed: 'headers', unknown: null };
  return { check: 'none', changed: null, unknown: null };
}

const words = {
  notSent: (to: string) =>
    `We have no record of sending this message to ${to}. It was not sent by us: treat it as suspicious, do not follow its links, and report it to your security team. (A message whose To address was changed, or that was forwarded in the body of another e-mail, is also answered this way: to check a forwarded advisory, upload the attached original.)`,
  noAddress:
    'This message has no Message-ID or no To address we can read, so it cannot be one of ours. Treat it as suspicious.',
  genuine: (to: string, how: string) => `This message is genuine: we sent it to ${to}, and ${how}.`,
  changedBody:
    'We sent a message with this Message-ID to this address, but its content (the text or the attachments) has been changed since we sent it. Do not act on it: read the advisory on the service or ask us for it again.',
  changedHeaders:
    'We sent a message with this Message-ID to this address, but its headers (such as the subject, sender or date) have been changed since we sent it, or our signature was removed. Do not act on it: read the advisory on the service or ask us for it again.',
  encrypted:
    'We sent a message with this Message-ID to this address. It is encrypted, so we cannot open it to check its content: your mail program checks the signature inside it when it decrypts it (look for a valid signature from our key).',
  unknown:
    'We sent a message with this Message-ID to this address, but we could not check its signature just now (our DKIM key could not be fetched). Try again in a few minutes.',
  unsigned:
    'We sent a message with this Message-ID to this address, but it carries no signature of ours that we can check, so we cannot tell whether it was changed on the way.',
};

/** The whole check of one received message. */
export async function checkMessage(deps: Deps, message: RawMessage): Promise<MessageCheck> {
  const [dkimResults, openpgp] = await Promise.all([
    verifyDkim(message, ourDkimKeys(deps), deps.clock.now()),
    checkPgp(deps, message),
  ]);
  const present = new Set(READER_FIELDS.filter((n) => message.headers(n).length > 0));
  const duplicated = READER_FIELDS.some((n) => message.headers(n).length > 1);
  const dkim = dkimOf(dkimResults, ourDkimDomains(deps.config), present, duplicated);
  const record =
    message.messageId && message.to.length
      ? await sentRecord(deps, message.messageId, message.to)
      : ({ sent: false } as const);
  const checks = { dkim: dkim.check, openpgp, sentToAddress: record.sent };
  const answer = (verdict: Verdict, explanation: string, changed: 'body' | 'headers' | null = null) => ({
    verdict,
    checks,
    changed: verdict === 'altered' ? changed : null,
    explanation,
  });
  const to = message.to.join(', ');

  if (!record.sent)
    return answer('not-sent-by-us', message.messageId && to ? words.notSent(to) : words.noAddress);

  // Sent by us to this address: now, is it as we sent it?
  if (openpgp === 'fail' || openpgp === 'not-ours') return answer('altered', words.changedBody, 'body');
  if (dkim.check === 'fail')
    return answer(
      'altered',
      dkim.changed === 'body' ? words.changedBody : words.changedHeaders,
      dkim.changed,
    );
  if (dkim.check === 'pass') {
    const how =
      openpgp === 'pass'
        ? 'both our DKIM signature and our OpenPGP signature are valid, so nothing in it has changed'
        : 'our DKIM signature is valid, so nothing in it has changed';
    return answer('genuine', words.genuine(to, how));
  }
  if (dkim.check === 'unknown' && dkim.unknown === 'temporary') return answer('cannot-check', words.unknown);
  // No DKIM signature of ours to rely on.
  if (dkim.check === 'none' && dkimExpected(deps.config))
    return answer('altered', words.changedHeaders, 'headers');
  // OpenPGP covers the content, not the headers: a second Subject, To or Reply-To put on top is an alteration.
  if (duplicated) return answer('altered', words.changedHeaders, 'headers');
  if (openpgp === 'pass')
    return answer(
      'genuine',
      words.genuine(
        to,
        'our OpenPGP signature is valid, so its content has not changed (its headers carry no signature of ours we can check)',
      ),
    );
  if (openpgp === 'encrypted') return answer('cannot-check', words.encrypted);
  // Unsigned where we sign advisories (PGP/MIME, unless sent through GOV.UK Notify): the signature was removed.
  if (
    record.kind === 'advisory' &&
    deps.config.MAIL_PROVIDER !== 'notify' &&
    (await serviceKeyState(deps)).status === 'ready'
  )
    return answer('altered', words.changedBody, 'body');
  return answer('cannot-check', words.unsigned);
}
