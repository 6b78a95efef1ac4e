// Helpers for the OpenPGP tests: keys made with openpgp.js (Ed25519, the EdDSA GnuPG 2.2 reads), GnuPG in a
// home of its own (Debian's gpg, the independent implementation), and a PGP/MIME message taken apart by
// RFC 1847's rules here, not by the service's own code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, readKey } from 'openpgp';

/** Signatures in tests are made at the test clock's time (TEST_NOW): keys are made before it. */
export const KEY_DATE = new Date('2026-01-01T00:00:00Z');

export interface TestKey {
  privateKey: string;
  publicKey: string;
  fingerprint: string;
}

export async function makeTestKey(
  options: { email?: string; date?: Date; expiresInSeconds?: number; passphrase?: string } = {},
): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: 'Council cyber contacts', email: options.email ?? 'no-reply@cyber-contacts.test' }],
    date: options.date ?? KEY_DATE,
    keyExpirationTime: options.expiresInSeconds ?? 0,
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
    format: 'armored',
  });
  const fingerprint = (await readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
  return { privateKey, publicKey, fingerprint };
}

export interface Gpg {
  home: string;
  /** Runs gpg in this home (batch, no tty); `input` goes to stdin. */
  run(args: string[], input?: string | Uint8Array): { status: number | null; stdout: string; stderr: string };
  /** Imports keys (binary or armored bytes, as served). */
  importKeys(bytes: Uint8Array | string): void;
  /** `gpg --verify sig data` on the exact bytes given. */
  verify(signedPart: string | Uint8Array, signature: string): { status: number | null; stderr: string };
  close(): void;
}

export function gpgHome(): Gpg {
  const home = mkdtempSync(join(tmpdir(), 'cc-gnupg-'));
  const run: Gpg['run'] = (args, input) => {
    const r = spawnSync('gpg', ['--batch', '--no-tty', '--homedir', home, ...args], {
      input,
      env: { ...process.env, GNUPGHOME: home, LC_ALL: 'C' },
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  };
  return {
    home,
    run,
    importKeys(bytes) {
      const r = run(['--import'], bytes);
      if (r.status !== 0) throw new Error(`gpg --import failed: ${r.stderr}`);
    },
    verify(signedPart, signature) {
      const data = join(home, 'signed-part');
      const sig = join(home, 'signature.asc');
      writeFileSync(data, signedPart);
      writeFileSync(sig, signature);
      return run(['--verify', sig, data]);
    },
    close() {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], {
        env: { ...process.env, GNUPGHOME: home },
      });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * A multipart/signed message taken apart as RFC 1847 says: the signed part is everything between the CRLF
 * that ends the first delimiter line and the CRLF before the next delimiter; the second part is the signature.
 */
export function pgpMimeParts(raw: string) {
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, headEnd).replace(/\r\n[ \t]+/g, ' ');
  const type = /^content-type:\s*([^\r\n]*)/im.exec(head)?.[1] ?? '';
  const boundary = /boundary="([^"]+)"/.exec(type)?.[1];
  if (!/^multipart\/signed;/i.test(type) || !boundary) throw new Error(`not multipart/signed: ${type}`);
  const body = raw.slice(headEnd + 4);
  const delimiter = `--${boundary}\r\n`;
  const first = body.indexOf(delimiter);
  const start = first + delimiter.length;
  const end = body.indexOf(`\r\n--${boundary}\r\n`, start);
  const signedPart = body.slice(start, end);
  const second = body.slice(end + 2 + delimiter.length);
  const close = second.indexOf(`\r\n--${boundary}--`);
  const sigPart = second.slice(0, close);
  const sigHeadEnd = sigPart.indexOf('\r\n\r\n');
  return {
    type,
    head,
    signedPart,
    signatureHeaders: sigPart.slice(0, sigHeadEnd),
    signature: sigPart.slice(sigHeadEnd + 4),
  };
}
