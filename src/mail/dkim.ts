// DKIM signatures (RFC 6376), rsa-sha256 with relaxed/relaxed canonicalisation, on Web Crypto: runs on
// Node and Workers alike, and on Node the RSA work runs on the thread pool, not between sends on the
// event loop. Signs a whole message as built by mime-message.ts (7-bit, CRLF line ends).

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

const CRLF = '\r\n';
const ascii = new TextEncoder();

function base64(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

/** Relaxed header canonicalisation: lower-case name, unfolded value, runs of white space as one space. */
function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** Relaxed body canonicalisation: no white space at line ends, runs as one space, no empty lines at the end. */
export function relaxedBody(body: string): string {
  const lines = body.split(CRLF);
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.replace(/[ \t]+/g, ' ').replace(/ $/, '');
  while (end > 0 && lines[end - 1] === '') end--;
  return end === 0 ? '' : `${lines.slice(0, end).join(CRLF)}${CRLF}`;
}

/** The header fields of a message, each with its folded continuation lines. */
function headerFields(head: string): string[] {
  const fields: string[] = [];
  for (const line of head.split(CRLF)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length)
      fields[fields.length - 1] += `${CRLF}${line}`;
    else fields.push(line);
  }
  return fields;
}

/** The message with a DKIM-Signature header on top. */
export async function dkimSign(message: string, id: DkimIdentity, now: Date): Promise<string> {
  const split = message.indexOf(`${CRLF}${CRLF}`);
  const head = split < 0 ? message : message.slice(0, split);
  const body = split < 0 ? '' : message.slice(split + 4);
  const bodyHash = crypto.subtle.digest('SHA-256', ascii.encode(relaxedBody(body)));

  // Each signed name takes the last field of that name not yet used (RFC 6376 §5.4.2).
  const byName = new Map<string, string[]>();
  for (const field of headerFields(head)) {
    const name = field.slice(0, field.indexOf(':')).trim().toLowerCase();
    const list = byName.get(name);
    if (list) list.push(field);
    else byName.set(name, [field]);
  }
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
