// Web Key Directory names (draft-koch-openpgp-webkey-service §3.1): the local part of an address, its
// ASCII letters in lower case, hashed with SHA-1 and written in z-base-32 (RFC 6189 §5.1.6): 32 characters.
// Web Crypto only: runs on Node and Workers.

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 of bytes, five bits a character, the last one padded with zero bits. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let count = 0;
  for (const byte of bytes) {
    bits = ((bits << 8) | byte) & 0xfff;
    count += 8;
    while (count >= 5) {
      count -= 5;
      out += ZBASE32[(bits >> count) & 31];
    }
  }
  if (count > 0) out += ZBASE32[(bits << (5 - count)) & 31];
  return out;
}

/** The `hu` name of a local part: `Joe.Doe` → `iy9q119eutrkn8s1mk4r39qejnbu3n5q`. */
export async function wkdHash(localPart: string): Promise<string> {
  const lower = localPart.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(lower));
  return zbase32(new Uint8Array(digest));
}

/** The direct-method URL of an address's key, as a WKD client asks for it. */
export async function wkdDirectUrl(address: string): Promise<string> {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  return `https://${domain}/.well-known/openpgpkey/hu/${await wkdHash(local)}?l=${encodeURIComponent(local)}`;
}
