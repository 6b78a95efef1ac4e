// What lets a reader trust a published CSAF file (CSAF 2.0 §7.1.18, §7.1.19): its SHA-256 and SHA-512 hash
// files (`<hex hash>  <file name>`, as sha256sum writes them) and a detached, armored OpenPGP signature by
// the service's key, the one published at /.well-known/openpgpkey/key.asc. No key (or an expired one): no
// signature, and the provider metadata says `csaf_provider` rather than `csaf_trusted_provider`.
// Web Crypto and openpgp.js: the same on Node and Workers.
import type { Deps } from '../../deps.js';
import type { OpenPgpKeys } from '../../mail/openpgp-keys.js';
import { serviceKeyState } from '../openpgp/service-key.js';

const encoder = new TextEncoder();

const hex = (bytes: ArrayBuffer) =>
  [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

export type CsafHash = 'sha256' | 'sha512';

const algorithms: Record<CsafHash, string> = { sha256: 'SHA-256', sha512: 'SHA-512' };

/** The hex digest of the text's UTF-8 bytes. */
export async function digestHex(text: string, hash: CsafHash): Promise<string> {
  return hex(await crypto.subtle.digest(algorithms[hash], encoder.encode(text)));
}

/** A hash file's text: `<hex>  <file name>` and a newline (checkable with `sha256sum -c`). */
export async function hashFile(text: string, fileName: string, hash: CsafHash): Promise<string> {
  return `${await digestHex(text, hash)}  ${fileName}\n`;
}

type KeyDeps = Pick<Deps, 'config' | 'clock' | 'log'>;

/** The service key when it can sign now; null when none is set, it is unusable, or it has expired. */
export async function csafSigningKey(deps: KeyDeps): Promise<OpenPgpKeys | null> {
  const state = await serviceKeyState(deps);
  if (state.status !== 'ready') return null;
  const { keys } = state;
  if (keys.expiresAt && keys.expiresAt <= deps.clock.now()) return null;
  return keys;
}

// Signatures are made on demand and kept per key and per document hash, so a document is signed once
// per process (and a feed reader polling it costs nothing).
const MAX_KEPT = 500;
const kept = new WeakMap<OpenPgpKeys, Map<string, Promise<string>>>();

/** The detached armored signature of the text (of its bytes, as served). */
export async function detachedSignature(keys: OpenPgpKeys, text: string): Promise<string> {
  let byHash = kept.get(keys);
  if (!byHash) {
    byHash = new Map();
    kept.set(keys, byHash);
  }
  const id = await digestHex(text, 'sha256');
  let signature = byHash.get(id);
  if (!signature) {
    signature = keys.sign(text);
    byHash.set(id, signature);
    signature.catch(() => byHash.delete(id));
    if (byHash.size > MAX_KEPT) byHash.delete(byHash.keys().next().value as string);
  }
  return signature;
}
