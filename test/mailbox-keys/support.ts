// Council keys made by GnuPG (Debian's gpg: an implementation independent of the service's openpgp.js), in
// a home of their own, dated before the test clock; and PGP/MIME encrypted mail taken apart by RFC 3156's
// rules here, not by the service's code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type Gpg, gpgHome } from '../pgp/support.js';

/** Keys are made at this (faked) time, before the test clock (TEST_NOW, 2026-11-30). */
const MADE_AT = '20260101T000000!';

export interface CouncilKey {
  gpg: Gpg;
  fingerprint: string;
  /** The armored public key, as a council would export it. */
  publicKey: string;
  /** The armored secret key (only for the tests that check a private key is refused). */
  secretKey(): string;
  /** The armored revocation certificate GnuPG made with the key. */
  revocation(): string;
  /** Decrypts (and verifies) with gpg: the plaintext and gpg's status lines. */
  decrypt(armored: string): { status: number | null; plaintext: string; log: string };
}

const run = (gpg: Gpg, args: string[], input?: string) => {
  const r = gpg.run(
    ['--faked-system-time', MADE_AT, '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
    input,
  );
  if (r.status !== 0) throw new Error(`gpg ${args.join(' ')} failed: ${r.stderr}`);
  return r;
};

/** An Ed25519 signing key with a Curve25519 encryption subkey for `address` (or none, `encrypt: false`). */
export function makeCouncilKey(
  address: string,
  options: { expires?: string; encrypt?: boolean; gpg?: Gpg } = {},
): CouncilKey {
  const gpg = options.gpg ?? gpgHome();
  const expires = options.expires ?? 'never';
  run(gpg, ['--quick-gen-key', `Council security <${address}>`, 'ed25519', 'sign', expires]);
  const listing = run(gpg, ['--with-colons', '--list-keys', address]).stdout;
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? '';
  if (options.encrypt !== false) run(gpg, ['--quick-add-key', fingerprint, 'cv25519', 'encr', expires]);
  const publicKey = run(gpg, ['--armor', '--export', fingerprint]).stdout;
  return {
    gpg,
    fingerprint,
    publicKey,
    secretKey: () => run(gpg, ['--armor', '--export-secret-keys', fingerprint]).stdout,
    revocation: () =>
      readFileSync(join(gpg.home, 'openpgp-revocs.d', `${fingerprint}.rev`), 'utf8').replace(
        /^:-----/m,
        '-----',
      ),
    decrypt(armored) {
      const r = gpg.run(
        ['--status-fd', '2', '--pinentry-mode', 'loopback', '--passphrase', '', '--decrypt'],
        armored,
      );
      return { status: r.status, plaintext: r.stdout, log: r.stderr };
    },
  };
}

/** A multipart/encrypted message (RFC 3156 §4) taken apart: its headers, its two parts, the armored data. */
export function encryptedParts(raw: string) {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, headEnd).replace(/\r\n[ \t]+/g, ' ');
  const type = /^content-type:\s*([^\r\n]*)/im.exec(head)?.[1] ?? '';
  expect(type).toMatch(/^multipart\/encrypted;/i);
  expect(type).toContain('protocol="application/pgp-encrypted"');
  const boundary = /boundary="([^"]+)"/.exec(type)?.[1] ?? '';
  const body = raw.slice(headEnd + 4);
  const parts = body.split(`--${boundary}`).slice(1, -1);
  expect(parts).toHaveLength(2);
  expect(parts[0]).toMatch(/Content-Type: application\/pgp-encrypted/);
  expect(parts[0]).toMatch(/Version: 1/);
  expect(parts[1]).toMatch(/Content-Type: application\/octet-stream/);
  const armored =
    /-----BEGIN PGP MESSAGE-----[\s\S]*-----END PGP MESSAGE-----/.exec(parts[1] ?? '')?.[0] ?? '';
  return { head, armored };
}

/** A header of a message's header block (unfolded). */
export const headerOf = (head: string, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
