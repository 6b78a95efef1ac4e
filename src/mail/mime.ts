// The encodings of RFC 5322 / MIME messages (mime-message.ts puts them together). Pure functions on Web
// APIs only: runs on Node and Workers alike.
//
// The output is 7-bit ASCII with CRLF line ends: header values outside ASCII become RFC 2047 encoded-words
// (UTF-8, base64), bodies are quoted-printable (RFC 2045). Lines stay under 78 characters where a break is
// allowed.
import { AppError } from '../errors.js';
import { addressOf, assertSingleAddress } from './address.js';

export const CRLF = '\r\n';
const utf8 = new TextEncoder();
const printableAscii = /^[\u0020-\u007e]*$/;

export const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** RFC 5322 date-time in UTC: `Mon, 30 Nov 2026 09:00:00 +0000`. */
export function formatDate(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(
    d.getUTCHours(),
  )}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * RFC 2047 encoded-words (`=?UTF-8?B?…?=`) for text outside ASCII, split between whole characters so each
 * word decodes on its own, and each at most `maxWord` characters long (75 by the RFC).
 */
export function encodeWords(text: string, maxWord = 75): string[] {
  const maxBytes = Math.max(3, Math.floor((maxWord - 12) / 4) * 3);
  const words: string[] = [];
  let chunk: number[] = [];
  for (const ch of text) {
    const bytes = utf8.encode(ch);
    if (chunk.length + bytes.length > maxBytes && chunk.length) {
      words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`);
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length || words.length === 0) words.push(`=?UTF-8?B?${base64(Uint8Array.from(chunk))}?=`);
  return words;
}

/** Folds `Name: value` at spaces so lines stay within 78 characters where the value allows it. */
function foldHeader(name: string, tokens: string[]): string {
  let line = `${name}:`;
  const lines: string[] = [];
  for (const token of tokens) {
    // Never break before an empty token: a folded line of only white space is not allowed.
    if (line.length + 1 + token.length > 78 && line.length > name.length + 1 && token !== '') {
      lines.push(line);
      line = '';
    }
    line += ` ${token}`;
  }
  lines.push(line);
  return lines.join(CRLF);
}

/** An unstructured header (Subject, extra headers): as it is when ASCII, else encoded-words. */
export function unstructuredHeader(name: string, value: string): string {
  if (printableAscii.test(value) && !/=\?/.test(value)) return foldHeader(name, value.split(' '));
  return foldHeader(name, encodeWords(value, Math.min(75, 76 - name.length - 2)));
}

/** The address with its domain in ASCII (IDNA, via the URL parser); a non-ASCII local part is refused. */
function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!printableAscii.test(local))
    throw new AppError(
      'bad_request',
      'An address with characters outside ASCII before the @ cannot be sent.',
    );
  if (printableAscii.test(domain)) return address;
  return `${local}@${new URL(`http://${domain}`).hostname}`;
}

const atext = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/;

/** One mailbox for From, To or Reply-To: `Name <a@b>` with the name quoted or encoded as needed. */
export function addressHeader(name: string, value: string): string {
  const address = assertSingleAddress(name, value);
  const v = value.trim();
  let display = v.includes('<') ? v.slice(0, v.lastIndexOf('<')).trim() : '';
  if (display.startsWith('"') && display.endsWith('"') && display.length >= 2)
    display = display.slice(1, -1).replace(/\\(.)/g, '$1');
  const addr = `<${asciiAddress(address)}>`;
  if (!display) return `${name}: ${asciiAddress(address)}`;
  if (printableAscii.test(display)) {
    const phrase = atext.test(display) ? display : `"${display.replace(/(["\\])/g, '\\$1')}"`;
    return foldHeader(name, [...phrase.split(' '), addr]);
  }
  return foldHeader(name, [...encodeWords(display, Math.min(75, 76 - name.length - 2)), addr]);
}

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text: line breaks become CRLF, lines at most 76 characters. A
 * line beginning `From ` has its F encoded (=46), as RFC 3156 §3 asks of signed text: a mailbox file
 * would otherwise store it as `>From ` and break the message's OpenPGP signature.
 */
export function quotedPrintable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = utf8.encode(line);
      let out = '';
      let current = '';
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        const last = i === bytes.length - 1;
        const fromLine = i === 0 && b === 70 && line.startsWith('From ');
        const literal = ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last)) && !fromLine;
        const token = literal ? String.fromCharCode(b) : `=${hex(b)}`;
        if (current.length + token.length > 75) {
          out += `${current}=${CRLF}`;
          current = '';
        }
        current += token;
      }
      return out + current;
    })
    .join(CRLF);
}

/** The bare address of a `Name <a@b>` value (for APIs that take the address apart from the header). */
export function bareAddress(value: string): string {
  const address = addressOf(value);
  if (!address) throw new AppError('bad_request', 'Not exactly one e-mail address.');
  return asciiAddress(address);
}
