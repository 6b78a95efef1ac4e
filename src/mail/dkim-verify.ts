// DKIM verification (RFC 6376 §6; ed25519-sha256 from RFC 8463) on Web Crypto, for the genuineness check:
// Node and Workers alike. Both canonicalisations each way, the body hash `bh` and the header list `h`
// (a name listed more often than it occurs signs an absent field, so an added From breaks an over-signed
// signature). A signature with `l=` (a body length limit) is refused: anything could be appended after the
// signed length and still verify. Where the public key comes from is the caller's (`DkimKeyLookup`).
// The message is read byte for byte (raw-message.ts); the canonicalisation is the signer's (dkim-canon.ts).
import {
  byteString,
  type Canonicalisation,
  CRLF,
  canonicalBody,
  canonicalHeader,
  fieldName,
  fieldsByName,
} from './dkim-canon.js';
import type { RawMessage } from './raw-message.js';

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** One DKIM-Signature field, read. */
export interface DkimSignature {
  domain: string;
  selector: string;
  algorithm: string;
  headerCanon: Canonicalisation;
  bodyCanon: Canonicalisation;
  signedHeaders: string[];
  bodyHash: string;
  signature: string;
  lengthLimit: number | null;
  expires: number | null;
  /** The field as it came (for hashing itself with b= emptied). */
  field: string;
}

/** A public key to check a signature with, or why there is none. */
export type DkimKeyAnswer =
  | { status: 'found'; key: CryptoKey; algorithm: 'rsa' | 'ed25519' }
  | { status: 'none'; reason: string }
  | { status: 'temporary'; reason: string };

export type DkimKeyLookup = (domain: string, selector: string) => Promise<DkimKeyAnswer>;

/**
 * The outcome of one signature: `pass`; `body` (the body hash does not match: the body or attachments
 * changed); `headers` (the body is as signed but the signature over the signed headers fails: a signed
 * header changed, or one was added where the signature said none was); `invalid` (unusable: malformed,
 * `l=`, unknown algorithm, expired); `no-key` / `temporary` (the key could not be had).
 */
export type DkimOutcome = 'pass' | 'body' | 'headers' | 'invalid' | 'no-key' | 'temporary';

export interface DkimResult {
  domain: string;
  selector: string;
  outcome: DkimOutcome;
  reason: string;
  /** The header names the signature covers (h=), lower case; empty when unreadable. */
  signedHeaders?: string[];
}

/** `tag=value; …` → the tags, with folding white space removed from names and values (b= and bh= too). */
export function parseTagList(value: string): Map<string, string> | null {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    if (!part.trim()) continue;
    const i = part.indexOf('=');
    if (i <= 0) return null;
    const name = part.slice(0, i).trim();
    if (tags.has(name)) return null; // a duplicated tag makes the whole signature invalid (§3.2)
    tags.set(name, part.slice(i + 1).trim());
  }
  return tags;
}

const noSpace = (v: string) => v.replace(/[ \t\r\n]+/g, '');

/** Reads a DKIM-Signature field; a string says why it cannot be used. */
export function parseDkimSignature(field: string): DkimSignature | string {
  const tags = parseTagList(field.slice(field.indexOf(':') + 1));
  if (!tags) return 'the signature is malformed';
  for (const t of ['v', 'a', 'b', 'bh', 'd', 'h', 's'])
    if (!tags.get(t)) return `the signature has no ${t}= tag`;
  if (tags.get('v') !== '1') return 'the signature is not DKIM version 1';
  const [h = 'simple', b = 'simple', ...more] = (tags.get('c') ?? 'simple/simple').toLowerCase().split('/');
  const canon = (c: string): c is Canonicalisation => c === 'simple' || c === 'relaxed';
  if (more.length || !canon(h) || !canon(b)) return 'the signature names an unknown canonicalisation';
  const signedHeaders = noSpace(tags.get('h')!).toLowerCase().split(':').filter(Boolean);
  if (!signedHeaders.includes('from')) return 'the signature does not cover the From header';
  const l = tags.get('l');
  const x = tags.get('x');
  return {
    domain: noSpace(tags.get('d')!).toLowerCase().replace(/\.$/, ''),
    selector: noSpace(tags.get('s')!).toLowerCase(),
    algorithm: noSpace(tags.get('a')!).toLowerCase(),
    headerCanon: h,
    bodyCanon: b,
    signedHeaders,
    bodyHash: noSpace(tags.get('bh')!),
    signature: noSpace(tags.get('b')!),
    lengthLimit: l === undefined ? null : Number(noSpace(l)),
    expires: x === undefined ? null : Number(noSpace(x)),
    field,
  };
}

function base64Bytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The data the signature covers: the listed fields from the bottom up, then this field with b= empty. */
function signedData(message: RawMessage, sig: DkimSignature): string {
  const byName = fieldsByName(message.fields);
  const used = new Map<string, number>();
  let data = '';
  for (const name of sig.signedHeaders) {
    const fields = byName.get(name) ?? [];
    const n = used.get(name) ?? 0;
    used.set(name, n + 1);
    const field = fields[fields.length - 1 - n];
    if (field !== undefined) data += `${canonicalHeader(field, sig.headerCanon)}${CRLF}`;
  }
  // b= emptied, every other byte of the field kept (bh= is another tag: `b` must be followed by `=`).
  const colon = sig.field.indexOf(':') + 1;
  const unsigned =
    sig.field.slice(0, colon) + sig.field.slice(colon).replace(/((?:^|;)[ \t\r\n]*b[ \t\r\n]*=)[^;]*/, '$1');
  return data + canonicalHeader(unsigned, sig.headerCanon);
}

/** Checks one signature of the message against the key the lookup gives. */
export async function verifyDkimSignature(
  message: RawMessage,
  sig: DkimSignature,
  lookup: DkimKeyLookup,
  now: Date,
): Promise<DkimResult> {
  const result = (outcome: DkimOutcome, reason: string): DkimResult => ({
    domain: sig.domain,
    selector: sig.selector,
    outcome,
    reason,
    signedHeaders: sig.signedHeaders,
  });
  if (sig.lengthLimit !== null)
    return result('invalid', 'the signature covers only part of the body (l=), so it is not accepted');
  if (sig.algorithm !== 'rsa-sha256' && sig.algorithm !== 'ed25519-sha256')
    return result('invalid', `the signature uses ${sig.algorithm}, which is not accepted`);
  if (sig.expires !== null && Number.isFinite(sig.expires) && sig.expires * 1000 < now.getTime())
    return result('invalid', 'the signature has expired (x=)');
  const bh = base64Bytes(sig.bodyHash);
  const b = base64Bytes(sig.signature);
  if (!bh || !b) return result('invalid', 'the signature is not valid base64');

  const key = await lookup(sig.domain, sig.selector);
  if (key.status === 'none') return result('no-key', key.reason);
  if (key.status === 'temporary') return result('temporary', key.reason);
  if (`${key.algorithm}-sha256` !== sig.algorithm)
    return result('invalid', `the published key is ${key.algorithm}, the signature ${sig.algorithm}`);

  const body = canonicalBody(message.body, sig.bodyCanon);
  const bodyHash = new Uint8Array(await crypto.subtle.digest('SHA-256', byteString(body)));
  if (!sameBytes(bodyHash, bh)) return result('body', 'the body is not what was signed');

  const data = byteString(signedData(message, sig));
  let ok = false;
  try {
    ok =
      key.algorithm === 'rsa'
        ? await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key.key, b, data)
        : await crypto.subtle.verify(
            'Ed25519',
            key.key,
            b,
            new Uint8Array(await crypto.subtle.digest('SHA-256', data)),
          );
  } catch {
    ok = false;
  }
  return ok
    ? result('pass', 'the signature is valid')
    : result('headers', 'the signed headers are not what was signed');
}

/** Every DKIM-Signature of the message, top first, with its outcome (unreadable ones as `invalid`). */
export async function verifyDkim(
  message: RawMessage,
  lookup: DkimKeyLookup,
  now: Date,
): Promise<DkimResult[]> {
  const out: DkimResult[] = [];
  for (const field of message.fields.filter((f) => fieldName(f) === 'dkim-signature').slice(0, 10)) {
    const sig = parseDkimSignature(field);
    if (typeof sig === 'string') {
      const tags = parseTagList(field.slice(field.indexOf(':') + 1));
      out.push({
        domain: noSpace(tags?.get('d') ?? '').toLowerCase(),
        selector: noSpace(tags?.get('s') ?? '').toLowerCase(),
        outcome: 'invalid',
        reason: sig,
      });
    } else out.push(await verifyDkimSignature(message, sig, lookup, now));
  }
  return out;
}

/** Reads a DKIM key record (`v=DKIM1; k=rsa; p=…`) into a verifying key; a string says why not. */
export async function importDkimRecord(record: string): Promise<DkimKeyAnswer> {
  const tags = parseTagList(record);
  if (!tags) return { status: 'none', reason: 'the key record is malformed' };
  const v = tags.get('v');
  if (v !== undefined && v !== 'DKIM1') return { status: 'none', reason: 'the key record is not DKIM1' };
  const p = noSpace(tags.get('p') ?? '');
  if (!p) return { status: 'none', reason: 'the key has been revoked (empty p=)' };
  const bytes = base64Bytes(p);
  if (!bytes) return { status: 'none', reason: 'the key record is malformed' };
  const k = (tags.get('k') ?? 'rsa').toLowerCase();
  try {
    if (k === 'rsa')
      return {
        status: 'found',
        algorithm: 'rsa',
        key: await crypto.subtle.importKey(
          'spki',
          bytes,
          { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
          false,
          ['verify'],
        ),
      };
    if (k === 'ed25519')
      return {
        status: 'found',
        algorithm: 'ed25519',
        key: await crypto.subtle.importKey('raw', bytes, { name: 'Ed25519' }, false, ['verify']),
      };
  } catch {
    return { status: 'none', reason: 'the published key cannot be read' };
  }
  return { status: 'none', reason: `the key type ${k} is not accepted` };
}
