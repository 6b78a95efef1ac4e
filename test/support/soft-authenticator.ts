// A software WebAuthn authenticator for API tests: an ES256 key pair per credential (Web Crypto), "none"
// attestation, user present and verified, a signature counter the test can set (to replay or clone). Its
// answers are checked by the service with SimpleWebAuthn exactly as a browser's are.
import { createHash } from 'node:crypto';

const enc = new TextEncoder();
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash('sha256').update(data).digest());

/** Just enough CBOR for an attestation object and a COSE key: maps, byte and text strings, small ints. */
function cbor(value: unknown): Uint8Array {
  const head = (major: number, n: number) =>
    n < 24 ? [(major << 5) | n] : n < 256 ? [(major << 5) | 24, n] : [(major << 5) | 25, n >> 8, n & 0xff];
  if (typeof value === 'number') return new Uint8Array(value >= 0 ? head(0, value) : head(1, -1 - value));
  if (typeof value === 'string') {
    const bytes = enc.encode(value);
    return new Uint8Array([...head(3, bytes.length), ...bytes]);
  }
  if (value instanceof Uint8Array) return new Uint8Array([...head(2, value.length), ...value]);
  if (value instanceof Map) {
    const parts: number[] = [...head(5, value.size)];
    for (const [k, v] of value) parts.push(...cbor(k), ...cbor(v));
    return new Uint8Array(parts);
  }
  throw new Error('cbor: unsupported value');
}

/** An ECDSA signature from Web Crypto (r‖s, 64 bytes) as ASN.1 DER, as WebAuthn carries it. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.slice(i);
    const body = trimmed[0]! & 0x80 ? [0, ...trimmed] : [...trimmed];
    return [0x02, body.length, ...body];
  };
  const seq = [...int(raw.slice(0, 32)), ...int(raw.slice(32))];
  return new Uint8Array([0x30, seq.length, ...seq]);
}

export interface SoftCredential {
  id: string;
  keys: CryptoKeyPair;
  counter: number;
}

export function softAuthenticator(origin: string) {
  const rpId = new URL(origin).hostname;
  const clientData = (type: string, challenge: string) =>
    enc.encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));

  return {
    /** Answers creation options: a new credential, and the RegistrationResponseJSON for it. */
    async create(options: { challenge: string }) {
      const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
      const cose = cbor(
        new Map<number, unknown>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
          [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
        ]),
      );
      const rawId = crypto.getRandomValues(new Uint8Array(32));
      const credential: SoftCredential = { id: b64url(rawId), keys, counter: 1 };
      const authData = new Uint8Array([
        ...sha256(rpId),
        0x45, // user present, user verified, attested credential data
        0,
        0,
        0,
        1,
        ...new Uint8Array(16), // AAGUID
        0,
        rawId.length,
        ...rawId,
        ...cose,
      ]);
      const attestationObject = cbor(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]),
      );
      const response = {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key' as const,
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
      };
      return { credential, response };
    },

    /** Answers request options with this credential, signing with its counter (then counting on). */
    async get(credential: SoftCredential, options: { challenge: string }, counter = ++credential.counter) {
      const data = clientData('webauthn.get', options.challenge);
      const authData = new Uint8Array([
        ...sha256(rpId),
        0x05, // user present, user verified
        (counter >>> 24) & 0xff,
        (counter >>> 16) & 0xff,
        (counter >>> 8) & 0xff,
        counter & 0xff,
      ]);
      const signed = new Uint8Array([...authData, ...sha256(data)]);
      const raw = new Uint8Array(
        await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, credential.keys.privateKey, signed),
      );
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key' as const,
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(derSignature(raw)),
        },
      };
    },
  };
}
