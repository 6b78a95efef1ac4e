// Header safety: no CR, LF or other control character can reach a mail header, whatever the input.
import { AppError } from '../errors.js';
import type { OutgoingMessage } from '../ports/mailer.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controlChars = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;
const headerName = /^[!-9;-~]+$/;

export function isHeaderSafe(value: string): boolean {
  return !controlChars.test(value);
}

/** Throws unless the value can stand in a header as it is. */
export function assertHeaderValue(name: string, value: string): void {
  if (!isHeaderSafe(value))
    throw new AppError('bad_request', `The ${name} header would contain a line break or control character.`);
}

/** Collapses any control characters (line breaks included) in text meant for a header to single spaces. */
export function headerText(value: string): string {
  return value.replace(new RegExp(controlChars.source, 'g'), ' ').replace(/\s+/g, ' ').trim();
}

export function assertSafeMessage(m: OutgoingMessage): void {
  assertHeaderValue('To', m.to);
  assertHeaderValue('Subject', m.subject);
  assertHeaderValue('Message-ID', m.messageId);
  if (m.from) assertHeaderValue('From', m.from);
  if (m.replyTo) assertHeaderValue('Reply-To', m.replyTo);
  if (m.envelopeFrom) assertHeaderValue('envelope sender', m.envelopeFrom);
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (!headerName.test(name))
      throw new AppError('bad_request', `"${headerText(name)}" is not a valid header name.`);
    assertHeaderValue(name, value);
  }
}
