// A small, dependency-free RFC 5322 + MIME reader, enough for delivery status notifications: header
// unfolding, Content-Type parameters, base64 / quoted-printable bodies, multipart and message/rfc822
// nesting. It runs on Node and Workers alike (mailparser needs node:stream, so it cannot run at the edge).

export interface MimePart {
  /** Header fields by lower-case name, in order, unfolded. */
  headers: Map<string, string[]>;
  type: string;
  params: Record<string, string>;
  /** The body, transfer-decoded, as text. */
  body: string;
  /** multipart/*: the parts. */
  parts: MimePart[];
  /** message/rfc822 (and message/global): the enclosed message. */
  message: MimePart | null;
}

export function header(part: Pick<MimePart, 'headers'>, name: string): string | null {
  return part.headers.get(name.toLowerCase())?.[0] ?? null;
}

/** Splits a header block into unfolded fields (a line starting with white space continues the last). */
export function parseFields(block: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let name: string | null = null;
  let value = '';
  const flush = () => {
    if (name !== null) fields.set(name, [...(fields.get(name) ?? []), value.trim()]);
  };
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && name !== null) {
      value += ` ${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0 || /\s/.test(line.slice(0, i))) continue;
    flush();
    name = line.slice(0, i).toLowerCase();
    value = line.slice(i + 1);
  }
  flush();
  return fields;
}

/** `type/subtype; a=b; c="d"` → the lower-case type and its parameters (names lower case). */
export function parseContentType(value: string | null): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [first, ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i <= 0) continue;
    let v = p.slice(i + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, i).trim().toLowerCase()] = v;
  }
  return { type: (first ?? 'text/plain').trim().toLowerCase(), params };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s, i) => s || i === 0);
}

function decodeBytes(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').toLowerCase();
  try {
    return new TextDecoder(label === 'us-ascii' ? 'utf-8' : label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function decodeBody(body: string, encoding: string | null, charset: string | undefined): string {
  const cte = (encoding ?? '7bit').trim().toLowerCase();
  if (cte === 'base64') {
    try {
      const bin = atob(body.replace(/[^A-Za-z0-9+/=]/g, ''));
      return decodeBytes(
        Uint8Array.from(bin, (c) => c.charCodeAt(0)),
        charset,
      );
    } catch {
      return body;
    }
  }
  if (cte === 'quoted-printable') {
    const soft = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(soft.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(Number.parseInt(hex[0], 16));
        i += 2;
      } else {
        const code = soft.charCodeAt(i);
        if (code < 0x80) bytes.push(code);
        else for (const b of new TextEncoder().encode(soft[i]!)) bytes.push(b);
      }
    }
    return decodeBytes(Uint8Array.from(bytes), charset);
  }
  return body;
}

function splitMultipart(body: string, boundary: string): string[] {
  const lines = body.split(/\r?\n/);
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current) parts.push(current.join('\n'));
      current = null;
      break;
    }
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current.join('\n'));
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (current) parts.push(current.join('\n')); // a report cut short without its closing boundary
  return parts;
}

const MAX_DEPTH = 8;

/** Parses a whole message (or a part of one). Never throws: what it cannot read is left as text. */
export function parseMime(raw: string, depth = 0): MimePart {
  const text = raw.replace(/^\uFEFF/, '');
  const m = /\r?\n\r?\n/.exec(text);
  const startsWithBlank = /^\r?\n/.test(text);
  const head = startsWithBlank ? '' : m ? text.slice(0, m.index) : text;
  const rest = startsWithBlank ? text.replace(/^\r?\n/, '') : m ? text.slice(m.index + m[0].length) : '';
  const headers = parseFields(head);
  const { type, params } = parseContentType(header({ headers }, 'content-type'));
  const body = decodeBody(rest, header({ headers }, 'content-transfer-encoding'), params.charset);
  const part: MimePart = { headers, type, params, body, parts: [], message: null };
  if (depth >= MAX_DEPTH) return part;
  if (type.startsWith('multipart/') && params.boundary)
    part.parts = splitMultipart(body, params.boundary).map((p) => parseMime(p, depth + 1));
  else if (type === 'message/rfc822' || type === 'message/global') part.message = parseMime(body, depth + 1);
  return part;
}

/** Every part of the tree, depth first (the root included). */
export function allParts(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  const walk = (p: MimePart) => {
    out.push(p);
    for (const child of p.parts) walk(child);
  };
  walk(root);
  return out;
}
