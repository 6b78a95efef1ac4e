// A local authority's register code (mySociety's `local-authority-code`: "CRF", "BIR", "NIR-A"): stored in
// upper case; callers may send any case. The one rule for every route, form, import and CLI option.
import { z } from 'zod';

export const authorityCodePattern = /^[A-Z0-9][A-Z0-9-]{1,9}$/;

export function normaliseAuthorityCode(code: string): string {
  return code.trim().toUpperCase();
}

export function isAuthorityCode(text: string): boolean {
  return authorityCodePattern.test(normaliseAuthorityCode(text));
}

/** A register code in any case, given back in upper case; `message` says what to do when it is not one. */
export function authorityCodeSchema(message = 'must be a register code such as CRF') {
  return z.string().trim().toUpperCase().regex(authorityCodePattern, message);
}
