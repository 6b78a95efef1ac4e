// A received message read as it came, byte for byte, for checking its signatures (the genuineness check):
// header block and body split at the first empty line (CRLF or bare LF line ends, made CRLF as on the
// wire), the fields with their folding kept (DKIM signs them so), the addresses and Message-ID it names,
// and for PGP/MIME (RFC 3156 on RFC 1847's multipart/signed) the exact signed first part and the detached
// signature. Strings are one character per byte (dkim-canon.ts `fromBytes`). No node:* and no mailparser:
// it runs on Workers too.
import { addressOf } from './address.js';
import { CRLF, fieldName, headerFields } from './dkim-canon.js';
import { parseContentType } from './mime-parse.js';

export interface RawMessage {
  /** The header block, CRLF lines, without the empty line that ends it. */
  head: string;
  /** Everything after the empty line, CRLF lines. */
  body: string;
  /** The header fields in order, each with its folded lines. */
  fields: string[];
  /** The first field of that name, unfolded and trimmed; null when absent. */
  header(name: string): string | null;
  /** Every field of that name, unfolded. */
  headers(name: string): string[];
  /** The addresses of the To fields, lower case. */
  to: string[];
  /** The From address, lower case; null when there is none to read. */
  from: string | null;
  /** The Message-ID with its angle brackets; null when absent. */
  messageId: string | null;
  /** multipart/signed with protocol application/pgp-signature: the signed part and the armored signature. */
  pgpSigned: { signedPart: string; signature: string } | null;
  /** multipart/encrypted (RFC 3156 §4): only the recipient's key opens it. */
  encrypted: boolean;
}

/** Line ends made CRLF: a lone LF (a file saved on Unix) or a lone CR becomes CRLF. */
export function toCrlf(text: string): string {
  return text.replace(/\r\n|\r|\n/g, CRLF);
}

const unfold = (field: string) =>
  field
    .slice(field.indexOf(':') + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .trim();

/** Splits an address list on commas outside quotes and angle brackets, and reads each address. */
export function addressList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.flatMap((a) => {
    const address = addressOf(a.trim());
    return address ? [address.toLowerCase()] : [];
  });
}

/**
 * The signed part and signature of a multipart/signed body, as RFC 1847 cuts it: the signed part is
 * everything between the CRLF ending the first delimiter line and the CRLF before the next delimiter.
 */
function pgpParts(body: string, boundary: string) {
  const delimiter = `--${boundary}`;
  const lines = body.split(CRLF);
  const isDelimiter = (line: string) => line.replace(/[ \t]+$/, '') === delimiter;
  const isClose = (line: string) => line.replace(/[ \t]+$/, '') === `${delimiter}--`;
  const first = lines.findIndex(isDelimiter);
  if (first < 0) return null;
  const second = lines.findIndex((l, i) => i > first && isDelimiter(l));
  if (second < 0) return null;
  const close = lines.findIndex((l, i) => i > second && isClose(l));
  const signedPart = lines.slice(first + 1, second).join(CRLF);
  const sigPart = lines.slice(second + 1, close < 0 ? lines.length : close).join(CRLF);
  const split = sigPart.indexOf(`${CRLF}${CRLF}`);
  if (split < 0) return null;
  const sigType = parseContentType(
    headerFields(sigPart.slice(0, split))
      .filter((f) => fieldName(f) === 'content-type')
      .map(unfold)[0] ?? null,
  );
  if (sigType.type !== 'application/pgp-signature') return null;
  return { signedPart, signature: sigPart.slice(split + 4) };
}

/** Reads a whole message (one character per byte). Never throws: what is missing is null or empty. */
export function readRawMessage(raw: string): RawMessage {
  const text = toCrlf(raw.replace(/^\uFEFF/, ''));
  const end = text.startsWith(CRLF) ? 0 : text.indexOf(`${CRLF}${CRLF}`);
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + (end === 0 ? 2 : 4));
  const fields = headerFields(head).filter((f) => f.includes(':'));
  const headers = (name: string) => fields.filter((f) => fieldName(f) === name.toLowerCase()).map(unfold);
  const header = (name: string) => headers(name)[0] ?? null;
  const contentType = parseContentType(header('content-type'));
  const boundary = contentType.params.boundary;
  const pgpSigned =
    contentType.type === 'multipart/signed' &&
    contentType.params.protocol?.toLowerCase() === 'application/pgp-signature' &&
    boundary
      ? pgpParts(body, boundary)
      : null;
  const from = header('from');
  const messageId = /<[^<>\s]+>/.exec(header('message-id') ?? '')?.[0] ?? null;
  return {
    head,
    body,
    fields,
    header,
    headers,
    to: headers('to').flatMap(addressList),
    from: from ? (addressList(from)[0] ?? null) : null,
    messageId,
    pgpSigned,
    encrypted: contentType.type === 'multipart/encrypted',
  };
}
