// On the embedded defaults (mail written to the local outbox, no OPENPGP_PRIVATE_KEY), advisories are
// signed with a development OpenPGP key, made once for this machine and kept in the data folder beside the
// outbox (mode 0600). A local run then sends what production sends — PGP/MIME signed, the key published by
// WKD, checkable by "Is this genuine?" — instead of unsigned mail. Never used when mail really leaves the
// machine (SMTP, SES, Notify): there an unset key means unsigned mail and a degraded /readyz, as before.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { generateKey } from 'openpgp';
import type { Config } from '../config.js';
import { addressOf } from '../mail/address.js';
import type { Logger } from '../ports/logger.js';

type KeyConfig = Pick<
  Config,
  'OPENPGP_PRIVATE_KEY' | 'MAIL_PROVIDER' | 'SMTP_URL' | 'OUTBOX_DIR' | 'MAIL_FROM' | 'SERVICE_NAME'
>;

/** Mail goes to the local outbox folder: no provider and no relay is configured. */
export function mailStaysLocal(config: KeyConfig): boolean {
  return !config.SMTP_URL && (config.MAIL_PROVIDER === undefined || config.MAIL_PROVIDER === 'outbox');
}

/** Where the development key is kept: the data folder that holds the outbox. */
export function developmentKeyPath(config: Pick<Config, 'OUTBOX_DIR'>): string {
  return join(dirname(resolve(config.OUTBOX_DIR)), 'openpgp-development-key.asc');
}

/**
 * The armored development key for this machine (made on first use), or null when it does not apply: a key is
 * configured, or mail leaves the machine.
 */
export async function developmentSigningKey(config: KeyConfig, log: Logger): Promise<string | null> {
  if (config.OPENPGP_PRIVATE_KEY || !mailStaysLocal(config)) return null;
  const path = developmentKeyPath(config);
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing?.includes('BEGIN PGP PRIVATE KEY BLOCK')) return existing;
  const email = addressOf(config.MAIL_FROM) ?? config.MAIL_FROM;
  // Ed25519 (the legacy encoding), which GnuPG 2.2 from Debian reads, as the production keys must be.
  const { privateKey } = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name: `${config.SERVICE_NAME} (development key)`, email }],
    format: 'armored',
  });
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, privateKey, { mode: 0o600 });
  await chmod(path, 0o600);
  log.info('made a development OpenPGP key for this machine: advisories in the outbox are signed with it', {
    path,
    note: 'set OPENPGP_PRIVATE_KEY before mail leaves the machine',
  });
  return privateKey;
}
