// PGP/MIME signed messages (RFC 3156 §5, on RFC 1847's multipart/signed): a whole message as built by
// mime-message.ts becomes
//
//   <its headers, less Content-Type and Content-Transfer-Encoding>
//   Content-Type: multipart/signed; boundary="…"; micalg=pgp-sha256; protocol="application/pgp-signature"
//
//   --…
//   <the signed part: the message's own Content-Type (and encoding) headers, a blank line, its body>
//   --…
//   Content-Type: application/pgp-signature; name="signature.asc"
//
//   <the detached, armored signature of the signed part's exact bytes>
//   --…--
//
// The signed part is the old body with the MIME headers that described it, in CRLF lines, byte for byte
// as it goes on the wire: a verifier takes everything between the CRLF after the first delimiter line and
// the CRLF before the second. It is 7-bit quoted-printable already (mime.ts), so no relay re-encodes it.
// Pure: the signing is given as a function (openpgp-keys.ts makes one from the configured key).

import { CRLF } from './mime.js';
import { randomBoundary } from './mime-message.js';

/** Makes detached OpenPGP signatures of text (canonical CRLF lines), armored. */
export interface DetachedSigner {
  /** The hash every signature uses, as RFC 3156 names it for `micalg` (`pgp-sha256`). */
  readonly micalg: string;
  /** The armored detached signature (`-----BEGIN PGP SIGNATURE-----` …) of exactly these characters. */
  sign(text: string): Promise<string>;
}

const headerName = /^([!-9;-~]+):/;
const describesBody = /^content-(type|transfer-encoding)$/i;

/** The message cut where its body begins: the header block (each field with its folded lines) and the body. */
function splitMessage(message: string): { fields: string[]; body: string } {
  const end = message.indexOf(`${CRLF}${CRLF}`);
  if (end < 0) throw new Error('a message to sign needs a header block and a body');
  const fields: string[] = [];
  for (const line of message.slice(0, end).split(CRLF)) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += `${CRLF}${line}`;
    else fields.push(line);
  }
  return { fields, body: message.slice(end + 2 * CRLF.length) };
}

export interface SignedParts {
  /** The message's header block without the lines that described its body, and the new top-level type. */
  headers: string;
  /** The bytes the signature covers. */
  signedPart: string;
  boundary: string;
}

/** The message taken apart for signing: what is signed, and the headers that stay outside. */
export function signedParts(
  message: string,
  micalg: string,
  boundary = randomBoundary('signed_'),
): SignedParts {
  const { fields, body } = splitMessage(message);
  const outer: string[] = [];
  const inner: string[] = [];
  for (const field of fields) {
    const name = headerName.exec(field)?.[1] ?? '';
    (describesBody.test(name) ? inner : outer).push(field);
  }
  if (!inner.some((f) => /^content-type:/i.test(f)))
    inner.unshift('Content-Type: text/plain; charset=us-ascii');
  outer.push(
    `Content-Type: multipart/signed; boundary="${boundary}"; micalg=${micalg};${CRLF} protocol="application/pgp-signature"`,
  );
  return { headers: outer.join(CRLF), signedPart: `${inner.join(CRLF)}${CRLF}${CRLF}${body}`, boundary };
}

/** The whole multipart/signed message, given the armored signature of `parts.signedPart`. */
export function assembleSigned(parts: SignedParts, armoredSignature: string): string {
  const signature = armoredSignature.replace(/\r?\n/g, CRLF).replace(/(\r\n)+$/, '');
  const b = parts.boundary;
  return [
    `${parts.headers}${CRLF}${CRLF}This is an OpenPGP/MIME signed message (RFC 4880 and 3156).`,
    `--${b}`,
    parts.signedPart,
    `--${b}`,
    'Content-Type: application/pgp-signature; name="signature.asc"',
    'Content-Description: OpenPGP digital signature',
    'Content-Disposition: attachment; filename="signature.asc"',
    '',
    signature,
    `--${b}--`,
    '',
  ].join(CRLF);
}

/** Signs a whole message (as mime-message.ts builds it) as PGP/MIME: the result is again a whole message. */
export async function signMessage(
  message: string,
  signer: DetachedSigner,
  boundary?: string,
): Promise<string> {
  const parts = signedParts(message, signer.micalg, boundary);
  return assembleSigned(parts, await signer.sign(parts.signedPart));
}
