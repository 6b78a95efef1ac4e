// Delivery status notifications (RFC 3464, in a multipart/report of RFC 6522): the per-recipient fields
// (Action, Status, Final-Recipient, Diagnostic-Code …) and what identifies the message that bounced: the
// envelope recipient the delivering MTA recorded (the VERP envelope sender) and the returned message's headers.
import { allParts, header, type MimePart, parseFields, parseMime } from './mime-parse.js';

export interface DsnRecipient {
  originalRecipient: string | null;
  finalRecipient: string | null;
  /** failed, delayed, delivered, relayed, expanded (lower case), or 'unknown'. */
  action: string;
  /** The enhanced status code, e.g. 5.1.1. */
  status: string | null;
  diagnosticCode: string | null;
  remoteMta: string | null;
}

export interface DsnReport {
  /** The report's own Message-ID. */
  messageId: string | null;
  subject: string | null;
  /**
   * The envelope recipient the delivering MTA recorded when it prepended its headers: the topmost
   * X-Original-To, else Delivered-To, else Exim's Envelope-to (lines further down may have come with the report).
   */
  envelopeTo: string | null;
  /** True when a message/delivery-status part was found. */
  isDsn: boolean;
  reportingMta: string | null;
  originalEnvelopeId: string | null;
  recipients: DsnRecipient[];
  /** The returned message's headers (message/rfc822 or text/rfc822-headers part), when present. */
  returned: { messageId: string | null; to: string[]; from: string | null } | null;
}

const addressPattern = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;

/** Every address in a header value, lower case, without angle brackets. */
export function addressesIn(value: string | null | undefined): string[] {
  return [...(value ?? '').matchAll(addressPattern)].map((m) => m[0].replace(/\.$/, '').toLowerCase());
}

/** `rfc822; user@example.org` → `user@example.org` (other address types are kept as given). */
function typedAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const i = value.indexOf(';');
  const type = i >= 0 ? value.slice(0, i).trim().toLowerCase() : 'rfc822';
  const address = (i >= 0 ? value.slice(i + 1) : value).trim().replace(/^<|>$/g, '');
  if (!address) return null;
  return type === 'rfc822' || type === 'utf-8' ? address.toLowerCase() : address;
}

/** The per-message block and per-recipient blocks of a delivery-status body (blank-line separated). */
export function parseDeliveryStatus(body: string) {
  const blocks = body
    .replace(/^\s*\r?\n/, '')
    .split(/\r?\n[ \t]*\r?\n/)
    .map((b) => b.trim())
    .filter(Boolean)
    .map(parseFields);
  const [perMessage, ...perRecipient] = blocks;
  const first = (f: Map<string, string[]> | undefined, name: string) => f?.get(name)?.[0] ?? null;
  const recipients: DsnRecipient[] = perRecipient
    .filter((f) => f.has('final-recipient') || f.has('original-recipient') || f.has('action'))
    .map((f) => ({
      originalRecipient: typedAddress(first(f, 'original-recipient')),
      finalRecipient: typedAddress(first(f, 'final-recipient')),
      action: (first(f, 'action') ?? 'unknown').trim().toLowerCase().split(/\s/)[0] || 'unknown',
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(first(f, 'status') ?? '')?.[0] ?? null,
      diagnosticCode: first(f, 'diagnostic-code'),
      remoteMta: typedAddress(first(f, 'remote-mta')),
    }));
  return {
    reportingMta: typedAddress(first(perMessage, 'reporting-mta')),
    originalEnvelopeId: first(perMessage, 'original-envelope-id'),
    recipients,
  };
}

const statusTypes = new Set(['message/delivery-status', 'message/global-delivery-status']);

export function parseDsn(raw: string): DsnReport {
  const root = parseMime(raw);
  const parts = allParts(root);
  const status = parts.find((p) => statusTypes.has(p.type));
  const parsed = status
    ? parseDeliveryStatus(status.body)
    : { reportingMta: null, originalEnvelopeId: null, recipients: [] };
  const returnedPart: MimePart | undefined =
    parts.find((p) => p.message)?.message ??
    parts
      .filter((p) => p.type === 'text/rfc822-headers' || p.type === 'text/rfc822-header')
      .map((p) => ({ ...p, headers: parseFields(p.body) }))[0];
  const topmost = (name: string) => addressesIn(root.headers.get(name)?.[0])[0] ?? null;
  const envelopeTo = topmost('x-original-to') ?? topmost('delivered-to') ?? topmost('envelope-to');
  return {
    messageId: header(root, 'message-id'),
    subject: header(root, 'subject'),
    envelopeTo,
    isDsn: Boolean(status),
    ...parsed,
    returned: returnedPart
      ? {
          messageId: header(returnedPart, 'message-id'),
          to: addressesIn(header(returnedPart, 'to')),
          from: addressesIn(header(returnedPart, 'from'))[0] ?? null,
        }
      : null,
  };
}

/** The SMTP reply code in a Diagnostic-Code such as `smtp; 550 5.1.1 <x@y>: User unknown`. */
export function smtpCodeOf(diagnostic: string | null): number | null {
  const m = /(?:^|[;\s])([245]\d\d)[\s-]/.exec(diagnostic ?? '');
  return m ? Number(m[1]) : null;
}

/** Whether a message is a delivery status notification (RFC 3464), the only kind of bounce recorded. */
export function isDeliveryReport(raw: string): boolean {
  return (
    /^content-type:\s*message\/delivery-status/im.test(raw) ||
    (/^content-type:\s*multipart\/report/im.test(raw) && /report-type\s*=\s*"?delivery-status/i.test(raw))
  );
}
