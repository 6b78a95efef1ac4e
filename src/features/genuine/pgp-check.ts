// The OpenPGP half of the genuineness check: a PGP/MIME signed message (RFC 3156) is checked against the
// service's published keys, the current one and the retired ones still in OPENPGP_PREVIOUS_PUBLIC_KEYS.
// An encrypted one cannot be opened by us (only the council's key can): its inner signature is for the
// council's mail program to check.
import { createMessage, readKeys, readSignature, verify } from 'openpgp';
import type { Deps } from '../../deps.js';
import type { RawMessage } from '../../mail/raw-message.js';
import { serviceKeyState } from '../openpgp/service-key.js';

/**
 * `pass` signed by one of our keys and unchanged; `fail` signed by our key but the signed part changed;
 * `not-ours` signed by some other key; `none` not signed; `encrypted` not ours to open; `no-key` signed
 * but this service has no key to check it with.
 */
export type PgpOutcome = 'pass' | 'fail' | 'not-ours' | 'none' | 'encrypted' | 'no-key';

export async function checkPgp(
  deps: Pick<Deps, 'config' | 'clock' | 'log'>,
  message: RawMessage,
): Promise<PgpOutcome> {
  if (message.encrypted) return 'encrypted';
  if (!message.pgpSigned) return 'none';
  const state = await serviceKeyState(deps);
  if (state.status !== 'ready') return 'no-key';
  try {
    const keys = await readKeys({ armoredKeys: state.keys.armoredPublicKeys });
    const signature = await readSignature({ armoredSignature: message.pgpSigned.signature });
    const ids = signature.getSigningKeyIDs();
    const ours = keys.some((k) => ids.some((id) => k.getKeys(id).length > 0));
    if (!ours) return 'not-ours';
    // The signed part as text (the signature is of canonical CRLF text, type 0x01): read its bytes as UTF-8.
    const bytes = Uint8Array.from(message.pgpSigned.signedPart, (c) => c.charCodeAt(0) & 0xff);
    const { signatures } = await verify({
      message: await createMessage({ text: new TextDecoder().decode(bytes) }),
      signature,
      verificationKeys: keys,
      date: deps.clock.now(),
    });
    if (signatures.length === 0) return 'fail';
    for (const s of signatures) await s.verified; // throws when the signature does not match
    return 'pass';
  } catch {
    return 'fail';
  }
}
