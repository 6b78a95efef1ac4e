// The service's OpenPGP key, read from its settings with openpgp.js (Web Crypto and pure JS: the same on
// Node and Workers): the secret key that signs advisories (OPENPGP_PRIVATE_KEY, unlocked with
// OPENPGP_PASSPHRASE when it has one) and the public keys it replaced (OPENPGP_PREVIOUS_PUBLIC_KEYS),
// which stay published so that advisories signed before a rotation still verify.
//
// A key is refused, naming the setting, when it cannot sign now: unreadable, locked without the right
// passphrase, revoked, expired, without a valid signing (sub)key, or without a user ID at the mail domain
// (what recipients' mail programs check the signer against, and what the Web Key Directory publishes).
import {
  type Config,
  createMessage,
  decryptKey,
  config as defaultConfig,
  encrypt,
  enums,
  type PrivateKey,
  type PublicKey,
  readKey,
  readPrivateKey,
  type Signature,
  sign,
  armor as toArmor,
} from 'openpgp';
import type { DetachedSigner } from './pgp-mime.js';
import { wkdHash } from './wkd.js';

export interface OpenPgpSettings {
  /** OPENPGP_PRIVATE_KEY: the armored secret key. */
  privateKey: string;
  /** OPENPGP_PASSPHRASE, when the key is protected. */
  passphrase?: string;
  /** OPENPGP_PREVIOUS_PUBLIC_KEYS: armored public keys of retired signing keys, one block after another. */
  previousPublicKeys?: string;
  /** The mail domain the key's user ID must be at (the domain of MAIL_FROM). */
  mailDomain: string;
  /** The service's clock: signatures are made at, and keys judged at, this time. */
  now: () => Date;
}

/** The loaded key: a signer for PGP/MIME, and what is published about it. */
export interface OpenPgpKeys extends DetachedSigner {
  /** The signing key's fingerprint, 40 hex digits in upper case. */
  fingerprint: string;
  /** The key's addresses at the mail domain (its user IDs there). */
  addresses: string[];
  /** When the key expires; null when it does not. */
  expiresAt: Date | null;
  /** The fingerprints of the retired keys still published. */
  previousFingerprints: string[];
  /** Every published key (current first), armored: for a download link. */
  armoredPublicKeys: string;
  /** WKD: the binary keys (concatenated) to answer for each `hu` hash at the mail domain. */
  wkd: ReadonlyMap<string, Uint8Array>;
  /** Signs text with the service key and encrypts it to a recipient's key: one armored OpenPGP message. */
  signAndEncrypt(text: string, recipient: PublicKey): Promise<string>;
}

/** A setting that holds an unusable key; the message says what to do, never shows the key. */
export class OpenPgpKeyError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
    this.name = 'OpenPgpKeyError';
  }
}

// SHA-256 for every signature: what RFC 3156's micalg names, and what GnuPG 2.2 and every current mail
// program verifies.
const config: Config = { ...defaultConfig, preferredHashAlgorithm: enums.hash.sha256 };

/** A setting's armored text as given: real line breaks, or `\n` escapes from a one-line secret store. */
function armoredText(value: string): string {
  const text = value.includes('\n') ? value : value.replace(/\\n/g, '\n');
  return text.replace(/\r\n?/g, '\n').trim();
}

const addressOf = (key: PublicKey | PrivateKey): string[] =>
  key.users.map((u) => u.userID?.email ?? '').filter((email) => email.includes('@'));

function atDomain(addresses: string[], domain: string): string[] {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return addresses.filter((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase() === d);
}

async function readSecretKey(settings: OpenPgpSettings): Promise<PrivateKey> {
  const armored = armoredText(settings.privateKey);
  let key: PrivateKey;
  try {
    key = await readPrivateKey({ armoredKey: armored, config });
  } catch (err) {
    const isPublic = armored.includes('BEGIN PGP PUBLIC KEY BLOCK');
    throw new OpenPgpKeyError(
      'OPENPGP_PRIVATE_KEY',
      isPublic
        ? 'holds a public key: give the armored secret key (gpg --armor --export-secret-keys …)'
        : `is not an armored OpenPGP secret key (${(err as Error).message})`,
    );
  }
  if (key.isDecrypted()) return key;
  if (!settings.passphrase)
    throw new OpenPgpKeyError(
      'OPENPGP_PASSPHRASE',
      'the key in OPENPGP_PRIVATE_KEY is protected by a passphrase, and OPENPGP_PASSPHRASE is not set',
    );
  try {
    return await decryptKey({ privateKey: key, passphrase: settings.passphrase, config });
  } catch {
    throw new OpenPgpKeyError('OPENPGP_PASSPHRASE', 'does not unlock the key in OPENPGP_PRIVATE_KEY');
  }
}

/** Why a key cannot sign now, or null when it can. */
async function signingProblem(key: PrivateKey, now: Date): Promise<string | null> {
  if (await key.isRevoked(undefined, undefined, now, config)) return 'the key is revoked';
  const expires = await key.getExpirationTime(undefined, config);
  if (expires instanceof Date && expires.getTime() <= now.getTime())
    return `the key expired on ${expires.toISOString()}`;
  try {
    await key.getSigningKey(undefined, now, undefined, config);
  } catch (err) {
    return `the key cannot sign (${(err as Error).message})`;
  }
  return null;
}

/** The blocks of a setting holding several armored keys one after another. */
function armoredBlocks(value: string): string[] {
  const text = armoredText(value);
  return [...text.matchAll(/-----BEGIN PGP [A-Z ]+-----[\s\S]*?-----END PGP [A-Z ]+-----/g)].map((m) => m[0]);
}

async function readPreviousKeys(settings: OpenPgpSettings): Promise<PublicKey[]> {
  if (!settings.previousPublicKeys?.trim()) return [];
  const blocks = armoredBlocks(settings.previousPublicKeys);
  if (blocks.length === 0)
    throw new OpenPgpKeyError('OPENPGP_PREVIOUS_PUBLIC_KEYS', 'holds no armored public key block');
  const keys: PublicKey[] = [];
  for (const block of blocks) {
    if (/BEGIN PGP PRIVATE KEY BLOCK/.test(block))
      throw new OpenPgpKeyError(
        'OPENPGP_PREVIOUS_PUBLIC_KEYS',
        'holds a secret key: give only the retired keys’ public keys (gpg --armor --export …), never their secrets',
      );
    let key: PublicKey;
    try {
      key = await readKey({ armoredKey: block, config });
    } catch (err) {
      throw new OpenPgpKeyError(
        'OPENPGP_PREVIOUS_PUBLIC_KEYS',
        `holds a block that is not an OpenPGP public key (${(err as Error).message})`,
      );
    }
    if (atDomain(addressOf(key), settings.mailDomain).length === 0)
      throw new OpenPgpKeyError(
        'OPENPGP_PREVIOUS_PUBLIC_KEYS',
        `key ${key.getFingerprint().toUpperCase()} has no user ID at ${settings.mailDomain}, so it cannot be published for it`,
      );
    keys.push(key.toPublic());
  }
  return keys;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Reads, checks and prepares the configured key; throws OpenPgpKeyError naming the setting at fault. */
export async function loadOpenPgpKeys(settings: OpenPgpSettings): Promise<OpenPgpKeys> {
  const key = await readSecretKey(settings);
  const now = settings.now();
  const problem = await signingProblem(key, now);
  if (problem)
    throw new OpenPgpKeyError('OPENPGP_PRIVATE_KEY', `${problem}: make or give a key that can sign`);
  const addresses = atDomain(addressOf(key), settings.mailDomain);
  if (addresses.length === 0)
    throw new OpenPgpKeyError(
      'OPENPGP_PRIVATE_KEY',
      `the key has no user ID at the mail domain ${settings.mailDomain} (it has ${addressOf(key).join(', ') || 'none with an address'}): recipients check the signer against our From address`,
    );
  const fingerprint = key.getFingerprint().toUpperCase();
  const previous = (await readPreviousKeys(settings)).filter(
    (k) => k.getFingerprint().toUpperCase() !== fingerprint,
  );
  const expires = await key.getExpirationTime(undefined, config);
  const publicKey = key.toPublic();
  const published = [publicKey, ...previous];

  // WKD answers, per `hu` hash, every published key with a user ID of that local part at the mail domain.
  const byHash = new Map<string, Uint8Array[]>();
  for (const k of published) {
    const hashes = new Set(
      await Promise.all(
        atDomain(addressOf(k), settings.mailDomain).map((a) => wkdHash(a.slice(0, a.lastIndexOf('@')))),
      ),
    );
    for (const h of hashes) byHash.set(h, [...(byHash.get(h) ?? []), k.write()]);
  }
  const wkd = new Map([...byHash].map(([h, parts]) => [h, concat(parts)] as const));

  async function detachedSignature(text: string): Promise<{ armored: string; hash: string }> {
    // Detached, `format: 'object'` gives a Signature (the types say Message). Text mode: the signature is
    // of the text in canonical CRLF lines (type 0x01), as RFC 3156 asks.
    const signature = (await sign({
      message: await createMessage({ text }),
      signingKeys: key,
      detached: true,
      format: 'object',
      date: settings.now(),
      config,
    })) as unknown as Signature;
    const algorithm = signature.packets[0]?.hashAlgorithm;
    return { armored: signature.armor(), hash: algorithm == null ? '' : enums.read(enums.hash, algorithm) };
  }
  // One signature now: the hash the key will use (micalg), and proof that it signs at all.
  const probe = await detachedSignature('probe').catch((err: Error) => {
    throw new OpenPgpKeyError(
      'OPENPGP_PRIVATE_KEY',
      `the key could not sign a test message (${err.message})`,
    );
  });
  const micalg = `pgp-${probe.hash.toLowerCase()}`;

  return {
    micalg,
    async sign(text) {
      const { armored, hash } = await detachedSignature(text);
      if (`pgp-${hash.toLowerCase()}` !== micalg)
        throw new Error(`the signature used ${hash}, not the ${micalg} the message announces`);
      return armored;
    },
    fingerprint,
    addresses,
    expiresAt: expires instanceof Date ? expires : null,
    previousFingerprints: previous.map((k) => k.getFingerprint().toUpperCase()),
    armoredPublicKeys: toArmor(enums.armor.publicKey, concat(published.map((k) => k.write()))),
    wkd,
    async signAndEncrypt(text, recipient) {
      return (await encrypt({
        message: await createMessage({ text }),
        encryptionKeys: recipient,
        signingKeys: key,
        date: settings.now(),
        format: 'armored',
        config,
      })) as string;
    },
  };
}
