// DKIM signatures (RFC 6376), rsa-sha256 with relaxed/relaxed canonicalisation, on Web Crypto: runs on
// Node and Workers alike, and on Node the RSA work runs on the thread pool, not between sends on the
// event loop. Signs a whole message as built by mime-message.ts (7-bit, CRLF line ends).

import { CRLF, fieldsByName, headerFields, relaxedBody, relaxedHeader } from './dkim-canon.js';

export { relaxedBody } from './dkim-canon.js';

/** A signing identity: the key published at `<selector>._domainkey.<domain>`. */
export interface DkimIdentity {
  domain: string;
  selector: string;
  /** An RSA private key imported for RSASSA-PKCS1-v1_5 with SHA-256, usage `sign`. */
  key: CryptoKey;
}

/**
 * The headers signed when present. `from` is listed once more than it occurs, so that a From header added
 * on the way breaks the signature (RFC 6376 §8.15).
 */
const signedHeaders = [
  'from',
  'to',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'list-id',
  'list-unsubscribe',
  'auto-submitted',
  'x-tlp',
  'x-advisory-reference',
];

const ascii = new TextEncoder();

function base64(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

/** The message with a DKIM-Signature header on top. */
export async function dkimSign(message: string, id: DkimIdentity, now: Date): Promise<string> {
  const split = message.indexOf(`${CRLF}${CRLF}`);
  const head = split < 0 ? message : message.slice(0, split);
  const body = split < 0 ? '' : message.slice(split + 4);
  const bodyHash = crypto.subtle.digest('SHA-256', ascii.encode(relaxedBody(body)));

  // Each signed name takes the last field of that name not yet used (RFC 6376 §5.4.2).
  const byName = fieldsByName(headerFields(head));
  const names: string[] = [];
  let signedData = '';
  for (const name of signedHeaders) {
    const fields = byName.get(name);
    if (!fields?.length) continue;
    for (let i = fields.length - 1; i >= 0; i--) {
      names.push(name);
      signedData += `${relaxedHeader(fields[i]!)}${CRLF}`;
    }
  }
  names.push('from'); // over-signed: no From may be added (an absent field signs as empty)

  const time = Math.floor(now.getTime() / 1000);
  const tags =
    `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${id.domain}; s=${id.selector};${CRLF}` +
    ` t=${time}; h=${names.join(':')};${CRLF} bh=${base64(await bodyHash)};${CRLF} b=`;
  signedData += relaxedHeader(tags);
  const signature = base64(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', id.key, ascii.encode(signedData)));
  const folded = signature.match(/.{1,72}/g)!.join(`${CRLF} `);
  return `${tags}${folded}${CRLF}${message}`;
}

/** Imports an RSA private key given as PKCS #8 DER for `dkimSign`. */
export function importDkimKey(pkcs8: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}
