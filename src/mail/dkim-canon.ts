// DKIM canonicalisation (RFC 6376 §3.4), shared by the signer (dkim.ts) and the verifier (dkim-verify.ts):
// the "simple" and "relaxed" forms of header fields and bodies, on text in CRLF lines. Strings here are
// one character per byte (7-bit mail as built, or a received message read byte for byte).

export const CRLF = '\r\n';

export type Canonicalisation = 'simple' | 'relaxed';

/** Relaxed header canonicalisation: lower-case name, unfolded value, runs of white space as one space. */
export function relaxedHeader(field: string): string {
  const colon = field.indexOf(':');
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return `${name}:${value}`;
}

/** A header field in either form (without its line end). Simple is the field exactly as it came. */
export function canonicalHeader(field: string, c: Canonicalisation): string {
  return c === 'relaxed' ? relaxedHeader(field) : field;
}

/** Relaxed body canonicalisation: no white space at line ends, runs as one space, no empty lines at the end. */
export function relaxedBody(body: string): string {
  const lines = body.split(CRLF);
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.replace(/[ \t]+/g, ' ').replace(/ $/, '');
  while (end > 0 && lines[end - 1] === '') end--;
  return end === 0 ? '' : `${lines.slice(0, end).join(CRLF)}${CRLF}`;
}

/** Simple body canonicalisation: the body as it is, less empty lines at the end; an empty body is one CRLF. */
export function simpleBody(body: string): string {
  const lines = body.split(CRLF);
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  return end === 0 ? CRLF : `${lines.slice(0, end).join(CRLF)}${CRLF}`;
}

export function canonicalBody(body: string, c: Canonicalisation): string {
  return c === 'relaxed' ? relaxedBody(body) : simpleBody(body);
}

/** The header fields of a message, each with its folded continuation lines. */
export function headerFields(head: string): string[] {
  const fields: string[] = [];
  for (const line of head.split(CRLF)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length)
      fields[fields.length - 1] += `${CRLF}${line}`;
    else if (line !== '') fields.push(line);
  }
  return fields;
}

/** A field's name, lower case. */
export const fieldName = (field: string) =>
  field
    .slice(0, Math.max(0, field.indexOf(':')))
    .trim()
    .toLowerCase();

/** Fields by lower-case name, in message order (the signer and verifier take them from the bottom up). */
export function fieldsByName(fields: string[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const field of fields) {
    const name = fieldName(field);
    const list = byName.get(name);
    if (list) list.push(field);
    else byName.set(name, [field]);
  }
  return byName;
}

/** A one-character-per-byte string as bytes (what is hashed and signed). */
export function byteString(s: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes as a one-character-per-byte string. */
export function fromBytes(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  return s;
}
