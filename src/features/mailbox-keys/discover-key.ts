// Finding a mailbox's OpenPGP key on its council's own domain, instead of uploading it:
//   - the Web Key Directory for the mailbox address (draft-koch-openpgp-webkey-service §3.1): the advanced
//     method first (https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<hash>?l=<local>), then
//     the direct one (https://<domain>/.well-known/openpgpkey/hu/<hash>?l=<local>); binary keys;
//   - the `Encryption:` field of https://<domain>/.well-known/security.txt (RFC 9116 §2.5.4), when it is an
//     https URL of an armored key (an `openpgp4fpr:` or `dns:` value is not fetched).
// Fetched as the checks fetch (features/checks/fetch-text.ts): https only, a timeout, a size limit, a few
// https redirects at most, and only from the mailbox's own domain (never a URL a caller types: the
// security.txt's Encryption URL must be on that domain or one of its subdomains). A key found is then
// added like an uploaded one (add-key.ts): pending until its encrypted link is followed.
import type { Deps } from '../../deps.js';
import { MAX_KEY_BYTES } from '../../mail/recipient-key.js';
import { wkdHash } from '../../mail/wkd.js';
import { type FetchTextResult, fetchText } from '../checks/fetch-text.js';
import { parseSecurityTxt, SECURITY_TXT_LIMIT } from '../checks/security-txt.js';

export type DiscoverySource = 'wkd' | 'security-txt';

export type Discovered =
  | { found: true; url: string; key: string | Uint8Array }
  | { found: false; tried: string[]; reason: string };

const onDomain = (url: URL, domain: string) =>
  url.protocol === 'https:' && (url.hostname === domain || url.hostname.endsWith(`.${domain}`));

const options = (deps: Pick<Deps, 'config'>, maxBytes: number, domain: string) => ({
  timeoutMs: deps.config.CHECKS_HTTP_TIMEOUT_MS,
  maxBytes,
  maxRedirects: 3,
  followable: (url: URL) => onDomain(url, domain),
});

const why = (r: FetchTextResult) =>
  r.kind === 'http-error'
    ? `HTTP ${r.status}`
    : r.kind === 'too-large'
      ? `larger than ${r.limit} bytes`
      : r.kind === 'redirect'
        ? 'a redirect we do not follow'
        : r.kind === 'network'
          ? r.reason
          : 'empty';

/** The WKD URLs of an address, advanced method first. */
export async function wkdUrls(address: string): Promise<string[]> {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  const hash = await wkdHash(local);
  const l = encodeURIComponent(local);
  return [
    `https://openpgpkey.${domain}/.well-known/openpgpkey/${domain}/hu/${hash}?l=${l}`,
    `https://${domain}/.well-known/openpgpkey/hu/${hash}?l=${l}`,
  ];
}

/** Looks the address up in its domain's Web Key Directory. */
export async function discoverByWkd(
  deps: Pick<Deps, 'fetch' | 'config'>,
  address: string,
): Promise<Discovered> {
  const tried: string[] = [];
  const reasons: string[] = [];
  for (const url of await wkdUrls(address)) {
    tried.push(url);
    const r = await fetchText(
      deps,
      url,
      options(deps, MAX_KEY_BYTES, address.slice(address.lastIndexOf('@') + 1).toLowerCase()),
    );
    if (r.kind === 'ok' && r.bytes.length > 0) return { found: true, url, key: r.bytes };
    reasons.push(`${new URL(url).host}: ${why(r)}`);
  }
  return { found: false, tried, reason: `no key in the Web Key Directory (${reasons.join('; ')})` };
}

/** Follows the `Encryption:` field of the address's domain's security.txt to an armored key. */
export async function discoverBySecurityTxt(
  deps: Pick<Deps, 'fetch' | 'config'>,
  address: string,
): Promise<Discovered> {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  const txtUrl = `https://${domain}/.well-known/security.txt`;
  const txt = await fetchText(deps, txtUrl, options(deps, SECURITY_TXT_LIMIT, domain));
  if (txt.kind !== 'ok') return { found: false, tried: [txtUrl], reason: `no security.txt (${why(txt)})` };
  const fields = parseSecurityTxt(txt.text).fields.encryption ?? [];
  const urls = fields.flatMap((value) => {
    try {
      const url = new URL(value);
      return onDomain(url, domain) ? [url.href] : [];
    } catch {
      return [];
    }
  });
  if (urls.length === 0)
    return {
      found: false,
      tried: [txtUrl],
      reason: fields.length
        ? `security.txt’s Encryption field is not an https URL on ${domain}`
        : 'security.txt has no Encryption field',
    };
  const url = urls[0]!;
  const key = await fetchText(deps, url, options(deps, MAX_KEY_BYTES, domain));
  if (key.kind !== 'ok')
    return { found: false, tried: [txtUrl, url], reason: `the key could not be fetched (${why(key)})` };
  return { found: true, url, key: key.text.includes('-----BEGIN PGP') ? key.text : key.bytes };
}

export function discoverKey(deps: Pick<Deps, 'fetch' | 'config'>, address: string, source: DiscoverySource) {
  return source === 'wkd' ? discoverByWkd(deps, address) : discoverBySecurityTxt(deps, address);
}
