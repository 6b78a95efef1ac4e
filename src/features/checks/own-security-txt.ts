// The service's own /.well-known/security.txt (RFC 9116): Contact, Expires, Canonical, Policy,
// Preferred-Languages, from the config; Encryption names the service's OpenPGP key when one is set (the
// armored download; the same key signs advisories, and WKD publishes it: src/features/openpgp); CSAF names
// the CSAF provider metadata (the extension CSAF 2.0 §7.1.8 uses: src/features/csaf).
import type { Config } from '../../config.js';
import { mailDomain } from '../../mail/message-ids.js';
import { PROVIDER_METADATA_PATH } from '../csaf/provider-files.js';
import { PUBLIC_KEY_PATH, signingConfigured } from '../openpgp/service-key.js';

const YEAR_MS = 365 * 86_400_000;

export function securityTxt(config: Config, now: Date): string {
  const contacts = (config.SECURITY_CONTACT ?? `mailto:security@${mailDomain(config)}`)
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => (/^[a-z][a-z0-9+.-]*:/i.test(c) ? c : `mailto:${c}`));
  // A year ahead, to the day, so the file does not change with every request.
  const expires = config.SECURITY_EXPIRES
    ? new Date(config.SECURITY_EXPIRES)
    : new Date(Math.floor((now.getTime() + YEAR_MS) / 86_400_000) * 86_400_000);
  const lines = [
    ...contacts.map((c) => `Contact: ${c}`),
    ...(signingConfigured(config) ? [`Encryption: ${config.PUBLIC_BASE_URL}${PUBLIC_KEY_PATH}`] : []),
    `Expires: ${expires.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    `Canonical: ${config.PUBLIC_BASE_URL}/.well-known/security.txt`,
    ...(config.SECURITY_POLICY_URL ? [`Policy: ${config.SECURITY_POLICY_URL}`] : []),
    'Preferred-Languages: en',
    `CSAF: ${config.PUBLIC_BASE_URL}${PROVIDER_METADATA_PATH}`,
  ];
  return `${lines.join('\n')}\n`;
}
