// A council's OpenPGP public key, read and judged before the service encrypts to it (openpgp.js: the same on
// Node and Workers). A key is refused, in words a council officer can act on, when it is:
//   - too large (over MAX_KEY_BYTES), not an OpenPGP key, or several keys in one block;
//   - a secret key (we never want one: the council keeps it);
//   - revoked, or expired, or without a subkey (or primary key) that can encrypt now;
//   - without a user ID for the mailbox's own address. Decision: the key must name the address it is for,
//     as WKD requires and as mail programs check; it stops a key for another address being attached by
//     mistake (the confirmation, encrypted to it, proves the mailbox can read it).
// Accepted keys are kept minimal: only the public key, as openpgp.js re-armors it.
import {
  type Config,
  createMessage,
  config as defaultConfig,
  encrypt,
  type PublicKey,
  readKey,
  readKeys,
} from 'openpgp';

/** The largest key accepted, armored or binary (a key with many signatures is still far smaller). */
export const MAX_KEY_BYTES = 64 * 1024;

const config: Config = { ...defaultConfig };

export class RecipientKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecipientKeyError';
  }
}

export interface RecipientKey {
  key: PublicKey;
  /** 40 hex digits, upper case. */
  fingerprint: string;
  armored: string;
  /** When the key can no longer encrypt; null when it does not expire. */
  expiresAt: Date | null;
}

/** A fingerprint as people read it aloud: groups of four hex digits. */
export const groupedFingerprint = (fingerprint: string) =>
  fingerprint.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');

const sizeOf = (input: string | Uint8Array) =>
  typeof input === 'string' ? new TextEncoder().encode(input).length : input.length;

async function parse(input: string | Uint8Array): Promise<PublicKey> {
  if (sizeOf(input) > MAX_KEY_BYTES)
    throw new RecipientKeyError(
      `The key is larger than ${MAX_KEY_BYTES / 1024} KB: export it without extra signatures (gpg --export-options export-minimal --armor --export ADDRESS).`,
    );
  const text = typeof input === 'string' ? input : null;
  if (text?.includes('PRIVATE KEY BLOCK'))
    throw new RecipientKeyError(
      'This is a secret (private) key. Give us only the public key (gpg --armor --export ADDRESS) and keep the secret key to yourselves.',
    );
  let keys: PublicKey[];
  try {
    keys = (await (text !== null
      ? readKeys({ armoredKeys: text.trim(), config })
      : readKeys({ binaryKeys: input as Uint8Array, config }))) as PublicKey[];
  } catch {
    throw new RecipientKeyError(
      'This is not an OpenPGP public key: give the armored key, starting “-----BEGIN PGP PUBLIC KEY BLOCK-----”.',
    );
  }
  if (keys.some((k) => k.isPrivate()))
    throw new RecipientKeyError(
      'This is a secret (private) key. Give us only the public key and keep the secret key to yourselves.',
    );
  if (keys.length === 0) throw new RecipientKeyError('There is no key in what was given.');
  return keys[0] as PublicKey;
}

/** The keys among several (WKD may answer more than one) that name the address; the first is judged. */
async function forAddress(input: string | Uint8Array, address: string): Promise<PublicKey> {
  const key = await parse(input);
  const wanted = address.toLowerCase();
  const names = key.users.map((u) => u.userID?.email?.toLowerCase() ?? '');
  if (!names.includes(wanted))
    throw new RecipientKeyError(
      `The key has no user ID for ${address} (it has ${names.filter(Boolean).join(', ') || 'none with an address'}): add one (gpg --quick-add-uid) so mail programs and we can tell which address it is for.`,
    );
  return key;
}

/** When a key can no longer be used to encrypt (its encryption subkey's expiry, or the key's). */
async function encryptionExpiry(key: PublicKey): Promise<Date | null> {
  const expires = await key.getExpirationTime(undefined, config);
  return expires instanceof Date ? expires : null;
}

/** Why a key cannot be encrypted to at `now`, or null when it can. */
export async function recipientKeyProblem(key: PublicKey, now: Date): Promise<string | null> {
  if (await key.isRevoked(undefined, undefined, now, config)) return 'the key is revoked';
  const expires = await encryptionExpiry(key);
  if (expires && expires.getTime() <= now.getTime())
    return `the key expired on ${expires.toISOString().slice(0, 10)}`;
  try {
    await key.getEncryptionKey(undefined, now, undefined, config);
  } catch {
    return 'the key has no subkey that can encrypt';
  }
  return null;
}

/** Reads and judges a key given for `address`; throws RecipientKeyError saying what to fix. */
export async function readRecipientKey(
  input: string | Uint8Array,
  address: string,
  now: Date,
): Promise<RecipientKey> {
  const key = await forAddress(input, address);
  const problem = await recipientKeyProblem(key, now);
  if (problem) throw new RecipientKeyError(`We cannot encrypt to this key: ${problem}.`);
  const publicKey = key.toPublic();
  return {
    key: publicKey,
    fingerprint: publicKey.getFingerprint().toUpperCase(),
    armored: publicKey.armor(config),
    expiresAt: await encryptionExpiry(publicKey),
  };
}

/** A stored (already accepted) key, read again to encrypt to it or to check it. */
export async function readStoredKey(armored: string): Promise<PublicKey> {
  return readKey({ armoredKey: armored, config });
}

/** Every public key in an answer (armored or binary); an empty list when it holds none readable. */
export async function readAnyKeys(input: string | Uint8Array): Promise<PublicKey[]> {
  try {
    return (await (typeof input === 'string'
      ? readKeys({ armoredKeys: input.trim(), config })
      : readKeys({ binaryKeys: input, config }))) as PublicKey[];
  } catch {
    return [];
  }
}

/** Whether `candidate` (as fetched again) revokes the key with this fingerprint: returns the revocation time. */
export async function revokedIn(
  stored: PublicKey,
  fetched: string | Uint8Array,
  now: Date,
): Promise<Date | null> {
  let updated: PublicKey;
  try {
    const keys = await readAnyKeys(fetched);
    const same = keys.find((k) => k.getFingerprint() === stored.getFingerprint());
    if (!same) return null;
    updated = await stored.update(same, now, config);
  } catch {
    return null;
  }
  if (!(await updated.isRevoked(undefined, undefined, now, config))) return null;
  const revocation = updated.revocationSignatures[0];
  return revocation?.created ?? now;
}

/** Encrypts text to a recipient without signing it (only when the service has no signing key). */
export async function encryptUnsigned(text: string, recipient: PublicKey, now: Date): Promise<string> {
  return (await encrypt({
    message: await createMessage({ text }),
    encryptionKeys: recipient,
    date: now,
    format: 'armored',
    config,
  })) as string;
}
