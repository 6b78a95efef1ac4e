// The random port: secrets (tokens) and identifiers, from Web Crypto so it runs on Node and workerd.
export interface Random {
  /** A URL-safe secret with `bytes` bytes of entropy. */
  secret(bytes?: number): string;
  /** A sortable unique identifier (time-ordered, 26 characters). */
  id(): string;
}

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

export function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function cryptoRandom(now: () => number = () => Date.now()): Random {
  return {
    secret(bytes = 32) {
      return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
    },
    id() {
      let t = now();
      let time = '';
      for (let i = 0; i < 10; i++) {
        time = alphabet[t % 32] + time;
        t = Math.floor(t / 32);
      }
      const rnd = crypto.getRandomValues(new Uint8Array(16));
      let tail = '';
      for (const b of rnd) tail += alphabet[b % 32];
      return time + tail;
    },
  };
}
