// The addresses and ids the service puts on its mail, made and read back in one place: the mail domain,
// Message-IDs (`<delivery.<id>@domain>` for each advisory delivery, `<advisory.<thread>@domain>` for a
// thread), and the VERP envelope sender `bounces+<delivery id>@domain` that names the delivery a bounce
// is about. A format changed here is read back the same way everywhere.
import type { Config } from '../config.js';
import { AppError } from '../errors.js';

type MailDomainConfig = Pick<Config, 'MAIL_DOMAIN' | 'PUBLIC_BASE_URL'>;

/** The domain of generated Message-IDs (and VERP addresses): MAIL_DOMAIN, else PUBLIC_BASE_URL's host. */
export function mailDomain(config: MailDomainConfig): string {
  const configured = config.MAIL_DOMAIN?.trim();
  if (configured) return configured.toLowerCase();
  return new URL(config.PUBLIC_BASE_URL).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

const idPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** `<{id}@{mail domain}>`; the id must be dot-atom text (letters, digits, `.`, `-`, `_` …). */
export function messageIdFor(config: MailDomainConfig, id: string): string {
  if (!idPart.test(id))
    throw new AppError('internal', `"${id.slice(0, 80)}" cannot be used in a Message-ID.`);
  return `<${id}@${mailDomain(config)}>`;
}

/** A delivery id as the engine makes them (lower-case hex). */
const deliveryIdPattern = '[0-9a-z]{10,64}';

/** The Message-ID of one delivery of an advisory: the same on every attempt, so a resend is recognisable. */
export function deliveryMessageId(domain: string, deliveryId: string): string {
  return `<delivery.${deliveryId}@${domain}>`;
}

/** The thread an advisory and its updates and cancellations share (References). */
export function threadMessageId(domain: string, threadId: string): string {
  return `<advisory.${threadId}@${domain}>`;
}

/**
 * The VERP envelope sender: bounces come back to an address that names the delivery, `bounces+<delivery
 * id>.<tag>@domain`, where the tag is the service's signature of the delivery id (lower-case hex, as local
 * parts may be case-folded on the way back), so nobody who merely knows a delivery id can forge its bounce.
 */
export function verpAddress(domain: string, deliveryId: string, tag: string): string {
  return `bounces+${deliveryId}.${tag}@${domain}`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The delivery id and tag a VERP address carries, or null when it is not one of ours (for this domain). */
export function parseVerpAddress(
  domain: string,
  address: string,
): { deliveryId: string; tag: string } | null {
  const match = new RegExp(
    `^bounces\\+(${deliveryIdPattern})\\.([0-9a-f]{16,64})@${escapeRegExp(domain)}$`,
  ).exec(address.trim().toLowerCase().replace(/^<|>$/g, ''));
  return match?.[1] && match[2] ? { deliveryId: match[1], tag: match[2] } : null;
}

/** The delivery a Message-ID names, or null when it is not one of ours (for this domain). */
export function deliveryIdFromMessageId(domain: string, messageId: string): string | null {
  const match = new RegExp(`^<delivery\\.(${deliveryIdPattern})@${escapeRegExp(domain)}>$`).exec(
    messageId.trim().toLowerCase(),
  );
  return match?.[1] ?? null;
}
