// Which DKIM signatures count as ours, and the public keys to check them with: for our own signer's
// domain and selector, the public half of the configured DKIM_PRIVATE_KEY (no DNS needed, and it works for
// mail signed before a DNS change); for any other selector of our domains (SES's Easy DKIM, Notify, a key
// rotated since), the key published at `<selector>._domainkey.<domain>`, through the resolver port.
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { type DkimKeyAnswer, type DkimKeyLookup, importDkimRecord } from '../../mail/dkim-verify.js';
import { mailDomain } from '../../mail/message-ids.js';
import { normaliseName } from '../../ports/resolver.js';
import { signingDomain } from '../openpgp/service-key.js';

/** The domains whose DKIM signatures are ours: DKIM_DOMAIN, MAIL_FROM's domain and the mail domain. */
export function ourDkimDomains(config: Config): Set<string> {
  const domains = [config.DKIM_DOMAIN, signingDomain(config), mailDomain(config)];
  return new Set(domains.filter((d): d is string => Boolean(d?.trim())).map(normaliseName));
}

/** Whether mail of ours carries a DKIM signature of ours: DKIM_DOMAIN set (our signer, or a provider's). */
export const dkimExpected = (config: Config) => Boolean(config.DKIM_DOMAIN?.trim());

/** PEM (or one line with literal `\n`) → DER bytes; null when it is not a PKCS #8 private key. */
function pkcs8Der(text: string): Uint8Array<ArrayBuffer> | null {
  const pem = text.replace(/\\n/g, '\n');
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match?.[1]) return null;
  try {
    return Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

const configuredKeys = new WeakMap<Config, Promise<CryptoKey | null>>();

/** The public half of DKIM_PRIVATE_KEY (RSA, PKCS #8), for verifying; null when it cannot be had. */
function configuredPublicKey(config: Config): Promise<CryptoKey | null> {
  let key = configuredKeys.get(config);
  if (!key) {
    key = (async () => {
      const der = config.DKIM_PRIVATE_KEY ? pkcs8Der(config.DKIM_PRIVATE_KEY) : null;
      if (!der) return null;
      const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
      try {
        const priv = await crypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
        const { kty, n, e } = (await crypto.subtle.exportKey('jwk', priv)) as JsonWebKey;
        return await crypto.subtle.importKey('jwk', { kty, n, e }, algorithm, false, ['verify']);
      } catch {
        return null;
      }
    })();
    configuredKeys.set(config, key);
  }
  return key;
}

/** The key lookup for the verifier: only our domains are looked up at all. */
export function ourDkimKeys(deps: Pick<Deps, 'config' | 'resolver'>): DkimKeyLookup {
  const ours = ourDkimDomains(deps.config);
  return async (domain, selector): Promise<DkimKeyAnswer> => {
    if (!ours.has(domain)) return { status: 'none', reason: 'the signature is not ours' };
    const { DKIM_DOMAIN, DKIM_SELECTOR } = deps.config;
    if (
      DKIM_DOMAIN &&
      normaliseName(DKIM_DOMAIN) === domain &&
      DKIM_SELECTOR?.trim().toLowerCase() === selector
    ) {
      const key = await configuredPublicKey(deps.config);
      if (key) return { status: 'found', key, algorithm: 'rsa' };
    }
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(selector))
      return { status: 'none', reason: 'the selector is not a DNS name' };
    const answer = await deps.resolver.resolveTxt(`${selector}._domainkey.${domain}`);
    if (answer.status === 'temporary') return { status: 'temporary', reason: answer.reason };
    const record =
      answer.status === 'found' ? answer.records.find((r) => /(^|;)\s*p\s*=/.test(r)) : undefined;
    if (!record) return { status: 'none', reason: 'no key is published for that selector' };
    return importDkimRecord(record);
  };
}
