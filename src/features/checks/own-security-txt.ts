// The service's own /.well-known/security.txt (RFC 9116): Contact, Expires, Canonical, Policy,
// Preferred-Languages, from the config; Encryption names the service's OpenPGP key when one is set (the
// armored download; the same key signs advisories, and WKD publishes it: src/features/openpgp); CSAF names
// the CSAF provider metadata (the extension CSAF 2.0 §7.1.8 uses: src/features/csaf).
// Expires: RFC 9116 asks for less than a year ahead. SECURITY_EXPIRES further ahead stops the start (Node
// exits, a Worker answers "not configured"); without it the file says 11 months ahead, to the day. /readyz
// warns from 30 days before the date and alerts once it has passed (a lapsed file is stale to readers).
import type { Config } from '../../config.js';
import { PROVIDER_METADATA_PATH } from '../../domain/csaf-paths.js';
import { mailDomain } from '../../mail/message-ids.js';
import type { Logger } from '../../ports/logger.js';
import { PUBLIC_KEY_PATH, signingConfigured } from '../openpgp/service-key.js';

const DAY_MS = 86_400_000;
/** /readyz warns this long before security.txt lapses. */
export const SECURITY_TXT_WARN_DAYS = 30;

type ExpiresConfig = Pick<Config, 'SECURITY_EXPIRES'>;

/** The Expires of security.txt: SECURITY_EXPIRES, else 11 months after today (UTC midnight). */
export function securityTxtExpires(config: ExpiresConfig, now: Date): Date {
  if (config.SECURITY_EXPIRES) return new Date(config.SECURITY_EXPIRES);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 11, now.getUTCDate()));
}

const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Why SECURITY_EXPIRES cannot be published (more than a year ahead, RFC 9116 §2.5.5), or null. */
export function securityExpiresProblem(config: ExpiresConfig, now: Date): string | null {
  if (!config.SECURITY_EXPIRES) return null;
  const expires = new Date(config.SECURITY_EXPIRES);
  const yearAhead = new Date(now.getTime());
  yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
  if (expires.getTime() <= yearAhead.getTime()) return null;
  return `${isoSeconds(expires)} is more than a year ahead; RFC 9116 asks security.txt to expire in less than a year, so that it is reviewed: set a date before ${isoSeconds(yearAhead)} (or leave it unset: 11 months ahead).`;
}

/** For start-up (Node's entry, a Worker isolate's first request): throws the problem, naming the setting. */
export function assertSecurityExpiresValid(config: ExpiresConfig, now: Date): void {
  const problem = securityExpiresProblem(config, now);
  if (problem) throw new Error(`SECURITY_EXPIRES: ${problem}`);
}

const warned = new WeakSet<object>();
const lapsed = new WeakSet<object>();

/**
 * For /readyz: ok until 30 days before security.txt lapses, then a warning, then an alert once it has
 * (each logged once per configuration: a warning, then an error), naming SECURITY_EXPIRES to renew.
 */
export function securityTxtReadiness(
  config: ExpiresConfig,
  now: Date,
  log: Logger,
): { ok: boolean; detail: string; missing?: string[] } {
  const expires = securityTxtExpires(config, now);
  const days = Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
  const when = isoSeconds(expires);
  if (expires.getTime() <= now.getTime()) {
    const detail = `security.txt lapsed on ${when}: readers treat it as stale; set SECURITY_EXPIRES to a date less than a year ahead`;
    if (!lapsed.has(config)) {
      lapsed.add(config);
      log.error('security.txt has lapsed: renew SECURITY_EXPIRES', { expires: when });
    }
    return { ok: false, detail, missing: ['SECURITY_EXPIRES'] };
  }
  if (days < SECURITY_TXT_WARN_DAYS) {
    const detail = `security.txt lapses in ${days} day${days === 1 ? '' : 's'} (${when}): set SECURITY_EXPIRES to a later date, less than a year ahead`;
    if (!warned.has(config)) {
      warned.add(config);
      log.warn('security.txt lapses soon: renew SECURITY_EXPIRES', { expires: when, days });
    }
    return { ok: false, detail, missing: ['SECURITY_EXPIRES'] };
  }
  return { ok: true, detail: `security.txt expires on ${when}` };
}

export function securityTxt(config: Config, now: Date): string {
  const contacts = (config.SECURITY_CONTACT ?? `mailto:security@${mailDomain(config)}`)
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => (/^[a-z][a-z0-9+.-]*:/i.test(c) ? c : `mailto:${c}`));
  const lines = [
    ...contacts.map((c) => `Contact: ${c}`),
    ...(signingConfigured(config) ? [`Encryption: ${config.PUBLIC_BASE_URL}${PUBLIC_KEY_PATH}`] : []),
    `Expires: ${isoSeconds(securityTxtExpires(config, now))}`,
    `Canonical: ${config.PUBLIC_BASE_URL}/.well-known/security.txt`,
    ...(config.SECURITY_POLICY_URL ? [`Policy: ${config.SECURITY_POLICY_URL}`] : []),
    'Preferred-Languages: en',
    `CSAF: ${config.PUBLIC_BASE_URL}${PROVIDER_METADATA_PATH}`,
  ];
  return `${lines.join('\n')}\n`;
}
