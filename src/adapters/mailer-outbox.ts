// The embedded default mailer: each message becomes an RFC 5322 .eml file in OUTBOX_DIR, so nothing is
// lost when no SMTP server is configured. `npm run cli -- outbox list|show` reads them back.

import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { assertExtraHeaders, assertSingleAddress } from '../mail/address.js';
import { assertSafeMessage } from '../mail/headers.js';
import { buildMimeMessage } from '../mail/mime-message.js';
import type { Logger } from '../ports/logger.js';
import { type Mailer, NOT_BUILT, type OutgoingMessage, type SendResult } from '../ports/mailer.js';

export type OutboxMailerConfig = Pick<Config, 'OUTBOX_DIR' | 'MAIL_FROM'>;

export interface OutboxMailerOptions {
  /** The Date header and the file name's time; the system clock by default. */
  now?: () => Date;
}

/** Outbox files: `<ISO time with - for :>-<8 hex>.eml`, so names sort by time. */
export const outboxFilePattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(\.\d{3})?Z-[0-9a-f]{8}\.eml$/;

export function outboxFileName(at: Date): string {
  return `${at.toISOString().replace(/:/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
}

/**
 * The message as the bytes of an .eml file: the MIME message as it would go out (built once per fan-out
 * when the caller gives it, else here), under a Return-Path recording the envelope sender, as a final
 * delivery would.
 */
export function buildEml(message: OutgoingMessage, defaults: { from: string; date: Date }): Buffer {
  const envelopeFrom = message.envelopeFrom ?? assertSingleAddress('MAIL_FROM', defaults.from);
  const raw = message.raw ?? buildMimeMessage(message, defaults);
  return Buffer.from(`Return-Path: <${envelopeFrom}>\r\n${raw}`, 'ascii');
}

export function outboxMailer(config: OutboxMailerConfig, log: Logger, options: OutboxMailerOptions = {}) {
  const dir = resolve(config.OUTBOX_DIR);
  const now = options.now ?? (() => new Date());
  let ready: Promise<unknown> | undefined;

  async function send(message: OutgoingMessage): Promise<SendResult> {
    assertSafeMessage(message);
    assertExtraHeaders(message.headers);
    assertSingleAddress('To', message.to);
    if (message.from) assertSingleAddress('From', message.from);
    if (message.replyTo) assertSingleAddress('Reply-To', message.replyTo);
    if (message.envelopeFrom) assertSingleAddress('envelope sender', message.envelopeFrom, true);

    let eml: Buffer;
    try {
      eml = buildEml(message, { from: config.MAIL_FROM, date: now() });
    } catch (err) {
      return {
        status: 'technical-failure',
        messageId: message.messageId,
        reply: `message could not be built: ${(err as Error).message}`,
        command: NOT_BUILT,
      };
    }
    const file = outboxFileName(now());
    const temp = join(dir, `.${file}.tmp`);
    try {
      ready ??= mkdir(dir, { recursive: true });
      await ready.catch(() => {
        ready = undefined; // retry the mkdir next time
      });
      await writeFile(temp, eml, { flag: 'wx' });
      await rename(temp, join(dir, file));
    } catch (err) {
      await rm(temp, { force: true }).catch(() => {});
      log.error('outbox write failed', { dir, err });
      return {
        status: 'technical-failure',
        messageId: message.messageId,
        reply: `outbox write failed: ${(err as Error).message}`,
      };
    }
    log.debug('message written to outbox', { file, messageId: message.messageId });
    return {
      status: 'delivered',
      messageId: message.messageId,
      reply: `250 written to outbox ${file}`,
      code: 250,
    };
  }

  const mailer: Mailer = { send, async close() {} };
  return Object.assign(mailer, { dir });
}
