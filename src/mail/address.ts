// Address checks for the mail adapters: one message goes to exactly one mailbox, so a To, From or
// envelope value that smuggles in a second address (a comma, a group, a second <…>) is refused.
// Pure functions, so they run the same on Node and Workers.
import { AppError } from '../errors.js';

const addrSpec = String.raw`[^\s<>()\[\],;:"@\\]+@[^\s<>()\[\],;:"@\\]+`;
const bare = new RegExp(`^${addrSpec}$`);
// A display name (quoted, or plain words without specials) and one angle-bracketed address.
const named = new RegExp(String.raw`^(?:"(?:[^"\\\r\n]|\\[^\r\n])*"|[^<>()\[\],;:"@\\]*)\s*<(${addrSpec})>$`);

/** The bare address of `Name <a@b>` or `a@b`; undefined unless the value is exactly one mailbox. */
export function addressOf(value: string): string | undefined {
  const v = value.trim();
  if (bare.test(v)) return v;
  return named.exec(v)?.[1];
}

/** Throws unless the value is exactly one mailbox (`a@b` or `Name <a@b>`; `bareOnly` allows only `a@b`). */
export function assertSingleAddress(field: string, value: string, bareOnly = false): string {
  const v = value.trim();
  const address = bareOnly ? (bare.test(v) ? v : undefined) : addressOf(v);
  if (!address) throw new AppError('bad_request', `The ${field} address must be exactly one e-mail address.`);
  return address;
}

/** Headers the adapters set themselves: an extra header may not add or replace them (no smuggled Bcc). */
const reservedHeaders = new Set([
  'to',
  'cc',
  'bcc',
  'from',
  'sender',
  'reply-to',
  'subject',
  'message-id',
  'date',
  'return-path',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

export function assertExtraHeaders(headers: Record<string, string> | undefined): void {
  for (const name of Object.keys(headers ?? {})) {
    if (reservedHeaders.has(name.toLowerCase()))
      throw new AppError('bad_request', `The ${name} header cannot be given as an extra header.`);
  }
}
