// PGP/MIME encrypted messages (RFC 3156 §4 and §6.2, "combined" signing and encryption): a whole message as
// built by mime-message.ts becomes
//
//   <its headers, less Content-Type and Content-Transfer-Encoding, with a neutral Subject>
//   Content-Type: multipart/encrypted; boundary="…"; protocol="application/pgp-encrypted"
//
//   --…
//   Content-Type: application/pgp-encrypted
//
//   Version: 1
//   --…
//   Content-Type: application/octet-stream; name="encrypted.asc"
//
//   <one OpenPGP message, armored: the original body part (its MIME headers and body, CRLF lines), signed
//    by the service key and encrypted to the recipient's key>
//   --…--
//
// The Subject travels outside the encryption, so the caller gives a neutral one (the reference and
// "encrypted advisory"); the original subject is kept inside, in the encrypted part's headers ("protected
// headers"), where mail programs that know them show it. Pure: the encryption is given as a function.

import { CRLF } from './mime.js';
import { randomBoundary } from './mime-message.js';
import { signedParts } from './pgp-mime.js';

/** Encrypts (and signs, when the service has a key) text to one recipient: the armored OpenPGP message. */
export type EncryptText = (text: string) => Promise<string>;

/** Folds nothing and encodes nothing: the caller's neutral subject is plain ASCII. */
function replaceSubject(headers: string, subject: string): { headers: string; original: string | null } {
  const fields = headers.split(/\r\n(?![ \t])/);
  let original: string | null = null;
  const kept = fields.filter((f) => {
    if (/^subject:/i.test(f)) {
      original = f.slice(f.indexOf(':') + 1).trim();
      return false;
    }
    return true;
  });
  if (!/^[\x20-\x7e]{1,200}$/.test(subject)) throw new Error('a neutral subject is printable ASCII');
  return { headers: [...kept, `Subject: ${subject}`].join(CRLF), original };
}

/** Encrypts a whole message (as mime-message.ts builds it) as PGP/MIME: the result is again a whole message. */
export async function encryptMessage(
  message: string,
  encrypt: EncryptText,
  neutralSubject: string,
  boundary = randomBoundary('encrypted_'),
): Promise<string> {
  // The same cut as for signing: the headers that stay outside, and the body part with its MIME headers.
  const parts = signedParts(message, 'pgp-sha256', boundary);
  const outer = parts.headers.replace(/\r\nContent-Type: multipart\/signed;[\s\S]*$/, '');
  const { headers, original } = replaceSubject(outer, neutralSubject);
  // Protected headers: the real Subject, inside the encryption, as a header of the encrypted part.
  const inner = original ? `Subject: ${original}${CRLF}${parts.signedPart}` : parts.signedPart;
  const armored = (await encrypt(inner)).replace(/\r?\n/g, CRLF).replace(/(\r\n)+$/, '');
  const b = boundary;
  return [
    `${headers}${CRLF}Content-Type: multipart/encrypted; boundary="${b}";${CRLF} protocol="application/pgp-encrypted"${CRLF}${CRLF}This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156).`,
    `--${b}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${b}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armored,
    `--${b}--`,
    '',
  ].join(CRLF);
}
