// The code texted to a new mobile number: six digits, uniformly drawn, stored only as a salted hash,
// valid for MOBILE_CODE_MINUTES and for MAX_CODE_ATTEMPTS tries. Six digits are guessable offline from a
// stolen hash, so the hash is salted per code and the code lives minutes: what protects it is the expiry
// and the attempt limit, both checked before the hash is compared (in constant time).
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';
import type { Random } from '../../ports/random.js';

export const MAX_CODE_ATTEMPTS = 5;
export const CODE_DIGITS = 6;

/** Six decimal digits from the CSPRNG (rejection sampling, so each code is equally likely). */
export function newCode(): string {
  const limit = 4_000_000_000; // the largest multiple of 10^6 below 2^32
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const n = buffer[0]!;
    if (n < limit) return String(n % 1_000_000).padStart(CODE_DIGITS, '0');
  }
}

/** `salt$hash` of the code for this mobile. */
export async function hashCode(random: Random, mobileId: string, code: string): Promise<string> {
  const salt = random.secret(12);
  return `${salt}$${await hashSecret(`${salt}:${mobileId}:${code}`)}`;
}

export async function codeMatches(stored: string, mobileId: string, typed: string): Promise<boolean> {
  const [salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  return constantTimeEqual(await hashSecret(`${salt}:${mobileId}:${typed}`), hash);
}

/** What someone typed, as digits ("123 456" and "123-456" are 123456), or null when it is not a code. */
export function cleanCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}
