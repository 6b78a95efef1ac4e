// Whole RFC 5322 / MIME messages, ready for a raw send: 7-bit text with CRLF line ends, a message with
// HTML as multipart/alternative (text first, HTML last, as RFC 2046 orders them). Pure functions on Web
// APIs only: runs on Node and Workers alike.
//
// A fan-out sends one message to hundreds of councils, and only a few things differ between the copies:
// To, Date, Message-ID, threading headers and a few places in the body (the acknowledgement link, who it
// is for). `mimeTemplate` encodes everything else once; each copy then encodes only the lines that hold a
// slot and joins pre-encoded pieces. `buildMimeMessage` is the same builder with no slots, for one message.
import { AppError } from '../errors.js';
import type { OutgoingMessage } from '../ports/mailer.js';
import { assertExtraHeaders } from './address.js';
import { assertSafeMessage } from './headers.js';
import { addressHeader, CRLF, formatDate, hex, quotedPrintable, unstructuredHeader } from './mime.js';

/** What every copy shares. `text` and `html` may hold the `slots` strings, filled in per copy. */
export interface MimeTemplateInput {
  from: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** Headers the same on every copy (X-TLP, Auto-Submitted …). */
  headers?: Record<string, string>;
  /** Placeholder strings in `text`/`html`, each replaced per copy; none may contain another. */
  slots?: readonly string[];
  /** The multipart boundary; a random one when absent (tests fix it). */
  boundary?: string;
}

/** What differs per copy. */
export interface MimeCopy {
  to: string;
  messageId: string;
  date: Date;
  /** Headers of this copy only (In-Reply-To, References). */
  headers?: Record<string, string>;
  /** A value for each slot, in the order of `slots`, for the text part … */
  text?: readonly string[];
  /** … and for the HTML part (already escaped for HTML by the caller). */
  html?: readonly string[];
}

export interface MimeTemplate {
  /** The complete message of one copy. */
  fill(copy: MimeCopy): string;
}

/** A body as pre-encoded runs of whole lines and lines with slots, to be encoded per copy. */
type EncodedBody = Array<string | Array<string | number>>;

const boundaryPattern = /^[A-Za-z0-9'()+_,\-./:=? ]{1,69}[A-Za-z0-9'()+_,\-./:=?]$/;
const messageIdPattern = /^<[^<>\s]+@[^<>\s]+>$/;

/** A MIME boundary no content can contain (`=_` never appears in quoted-printable or base64 lines). */
export function randomBoundary(kind = ''): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `=_cc_${kind}${[...bytes].map(hex).join('').toLowerCase()}`;
}

/** A line cut at its slots: text pieces and slot numbers. */
function cutLine(line: string, slots: readonly string[]): Array<string | number> {
  const out: Array<string | number> = [];
  let rest = line;
  for (;;) {
    let at = -1;
    let which = -1;
    slots.forEach((slot, i) => {
      const found = rest.indexOf(slot);
      if (found >= 0 && (at < 0 || found < at)) [at, which] = [found, i];
    });
    if (at < 0) break;
    out.push(rest.slice(0, at), which);
    rest = rest.slice(at + slots[which]!.length);
  }
  out.push(rest);
  return out;
}

/** Quoted-printable is line by line: lines without a slot are encoded now, once for every copy. */
function encodeBody(body: string, slots: readonly string[]): EncodedBody {
  const out: EncodedBody = [];
  let run: string[] = [];
  for (const line of body.replace(/\r\n?/g, '\n').split('\n')) {
    if (slots.some((slot) => line.includes(slot))) {
      if (run.length) out.push(run.join(CRLF));
      run = [];
      out.push(cutLine(line, slots));
    } else run.push(quotedPrintable(line));
  }
  if (run.length || out.length === 0) out.push(run.join(CRLF));
  return out;
}

function fillBody(body: EncodedBody, values: readonly string[]): string {
  let out = '';
  body.forEach((piece, i) => {
    if (i > 0) out += CRLF;
    if (typeof piece === 'string') out += piece;
    else {
      let line = '';
      for (const p of piece) line += typeof p === 'number' ? (values[p] ?? '') : p;
      out += quotedPrintable(line);
    }
  });
  return out;
}

const partHeaders = (type: 'plain' | 'html') =>
  `Content-Type: text/${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}`;

/**
 * Prepares a message sent to many: validates and encodes what every copy shares. Every header is
 * checked for CR/LF and control characters, and extra headers may not replace one the builder sets.
 */
export function mimeTemplate(input: MimeTemplateInput): MimeTemplate {
  const slots = input.slots ?? [];
  assertSafeMessage({ ...input, to: 'x@x.invalid', messageId: '<x@x.invalid>' });
  assertExtraHeaders(input.headers);
  const boundary = input.boundary ?? randomBoundary();
  if (!boundaryPattern.test(boundary))
    throw new AppError('internal', 'The MIME boundary is not a valid boundary.');
  const shared = [
    addressHeader('From', input.from),
    ...(input.replyTo ? [addressHeader('Reply-To', input.replyTo)] : []),
    unstructuredHeader('Subject', input.subject),
    ...Object.entries(input.headers ?? {}).map(([name, value]) => unstructuredHeader(name, value)),
    'MIME-Version: 1.0',
  ].join(CRLF);
  const text = encodeBody(input.text, slots);
  const html = input.html === undefined ? undefined : encodeBody(input.html, slots);
  // A message with HTML is multipart/alternative; a single text part's Content-Type and encoding are the
  // message's own headers, and its body ends where the text ends, so the text reads back exactly.
  const head = html
    ? `${shared}${CRLF}Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}${CRLF}This is a multi-part message in MIME format.${CRLF}--${boundary}${CRLF}${partHeaders('plain')}`
    : `${shared}${CRLF}${partHeaders('plain')}`;
  const middle = `${CRLF}--${boundary}${CRLF}${partHeaders('html')}`;
  const tail = `${CRLF}--${boundary}--${CRLF}`;

  return {
    fill(copy) {
      const own = { to: copy.to, subject: '', text: '', messageId: copy.messageId, headers: copy.headers };
      assertSafeMessage(own);
      assertExtraHeaders(copy.headers);
      if (!messageIdPattern.test(copy.messageId))
        throw new AppError('bad_request', 'The Message-ID must be one <id@domain>.');
      let ownHeaders = `${addressHeader('To', copy.to)}${CRLF}Date: ${formatDate(copy.date)}${CRLF}Message-ID: ${copy.messageId}${CRLF}`;
      for (const [name, value] of Object.entries(copy.headers ?? {}))
        ownHeaders += `${unstructuredHeader(name, value)}${CRLF}`;
      const textBody = fillBody(text, copy.text ?? []);
      if (!html) return `${ownHeaders}${head}${textBody}`;
      return `${ownHeaders}${head}${textBody}${middle}${fillBody(html, copy.html ?? [])}${tail}`;
    },
  };
}

export interface MimeOptions {
  /** The From header when the message has none (MAIL_FROM). */
  from: string;
  /** The Date header. */
  date: Date;
  /** The multipart boundary; a random one when absent (tests fix it). */
  boundary?: string;
}

/**
 * One whole message. Validates first, as every mail adapter does: no CR/LF or control character in any
 * header, exactly one address in To, From and Reply-To, and no extra header that would replace one the
 * builder sets. The envelope sender is not a header: the sending system records it (as Return-Path).
 */
export function buildMimeMessage(message: OutgoingMessage, options: MimeOptions): string {
  assertSafeMessage(message);
  return mimeTemplate({
    from: message.from ?? options.from,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    boundary: options.boundary,
  }).fill({ to: message.to, messageId: message.messageId, date: options.date });
}
