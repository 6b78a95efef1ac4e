// The Node SMTP mailer: each message built as MIME by our own builder (or given ready, built once for a
// whole fan-out), signed with our own DKIM signer, and carried by a pool of nodemailer's SMTP connections
// (smtp-pool.ts), with every outcome mapped to the port's Notify-style statuses.

import { createPrivateKey } from 'node:crypto';
import type { NodemailerError } from 'nodemailer/lib/errors';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { Config } from '../config.js';
import { assertExtraHeaders, assertSingleAddress } from '../mail/address.js';
import { type DkimIdentity, dkimSign, importDkimKey } from '../mail/dkim.js';
import { assertSafeMessage } from '../mail/headers.js';
import { buildMimeMessage } from '../mail/mime-message.js';
import type { Logger } from '../ports/logger.js';
import {
  type Mailer,
  NOT_BUILT,
  type OutgoingMessage,
  type SendResult,
  type SendStatus,
} from '../ports/mailer.js';
import { type SmtpPoolOptions, smtpPool } from './smtp-pool.js';

export type SmtpMailerConfig = Pick<
  Config,
  | 'SMTP_URL'
  | 'SMTP_POOL_CONNECTIONS'
  | 'SMTP_RATE_PER_SECOND'
  | 'MAIL_FROM'
  | 'DKIM_DOMAIN'
  | 'DKIM_SELECTOR'
  | 'DKIM_PRIVATE_KEY'
>;

export interface SmtpMailerOptions {
  /** Extra connection and pool options (timeouts, maxMessages …); they win over SMTP_URL and the config. */
  transport?: Partial<SmtpPoolOptions>;
}

/** Codes of failures that ended or never opened the connection: the caller retries them. */
const connectionFaults = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'EPROXY',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Failures of our own set-up (credentials): neither the recipient's fault nor cured by waiting. */
const setupFaults = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EREQUIRETLS']);

/** SMTP stages that are about one recipient or one message; every other stage is about our sending. */
const recipientStages = new Set(['RCPT TO', 'DATA']);

/**
 * Refusals that MTAs give at RCPT TO (Postfix delays a sender refusal until then) but that are about our
 * sender or our right to relay, never about the recipient: Postfix's, Exim's and Sendmail's wordings.
 */
const aboutOurSending =
  /sender address rejected|sender verify failed|relay access denied|relaying denied|relay(ing)? not permitted|not permitted to relay|unable to relay/i;

/**
 * A relay that verifies recipients quotes the recipient's server ("… host mx.council.gov.uk said: 550 …
 * (in reply to RCPT TO command)"): those words are that server's, about that recipient, and a hostile
 * one must not be able to pause all our sending by choosing them.
 */
const quotesAnotherServer = /\bsaid:|\(in reply to /i;

/**
 * Maps a nodemailer error to the port's outcome, by whose fault it is.
 * - At `RCPT TO` or `DATA` (about this recipient or this message): 4xx → temporary-failure; 5xx →
 *   permanent-failure, except 503 "bad sequence of commands", a session fault a new connection cures.
 * - A refusal at connection, greeting, `EHLO`, `STARTTLS`, authentication or `MAIL FROM` is about our
 *   sending, never the recipient's: technical-failure, whatever the code, with the stage in `command`
 *   (the engine pauses sending and keeps every delivery retryable). So is a refusal at any stage that
 *   says so in the MTAs' own words ("Sender address rejected", "Relay access denied" …).
 * - A network fault with no reply (refused or dropped connection, timeout) → temporary-failure; if it
 *   persists, every recipient fails alike and the engine's fault watch pauses sending.
 * - A message nodemailer cannot build → technical-failure with `command: NOT_BUILT` (that message's).
 */
export function classifySmtpError(err: unknown): Omit<SendResult, 'messageId'> {
  const e = (err ?? {}) as NodemailerError;
  const message = e instanceof Error ? e.message : String(err);
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = (e.response?.trim() || [e.code, message].filter(Boolean).join(': ')).slice(0, 2000);
  const stage = typeof e.command === 'string' && e.command ? e.command : undefined;
  const networkFault =
    (e.code && connectionFaults.has(e.code)) ||
    (e.originalCode && connectionFaults.has(e.originalCode)) ||
    e.timeoutType !== undefined;
  let status: SendStatus;
  let command = stage;
  if (e.code && setupFaults.has(e.code)) status = 'technical-failure';
  else if (code !== undefined && stage !== undefined && !recipientStages.has(stage))
    status = 'technical-failure';
  else if (code !== undefined && aboutOurSending.test(reply) && !quotesAnotherServer.test(reply))
    status = 'technical-failure';
  else if (code !== undefined && code >= 400 && code < 500) status = 'temporary-failure';
  else if (code === 503) status = 'temporary-failure';
  else if (code !== undefined && code >= 500 && code < 600) status = 'permanent-failure';
  else if (networkFault) status = 'temporary-failure';
  else if (stage === 'API' && /^Invalid sender/.test(message)) status = 'technical-failure';
  else {
    status = 'technical-failure';
    if (stage === undefined || stage === 'API') command = NOT_BUILT;
  }
  const failure = ['SMTP', command ?? (networkFault ? 'connection' : undefined), code ?? e.code]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return {
    status,
    reply,
    failure,
    ...(code === undefined ? {} : { code }),
    ...(command === undefined ? {} : { command }),
  };
}

/** The DKIM key as PEM text; a key given on one line with literal `\n` sequences is accepted too. */
export function dkimKey(text: string): string {
  const pem = text.replace(/\\n/g, '\n').trim(); // a backslash never occurs in PEM text
  createPrivateKey(pem); // throws now, at start-up, rather than on the first message
  return pem;
}

/**
 * The DKIM identity, when all three settings are given. The key is checked now, at start-up (RSA only:
 * rsa-sha256 is what every receiver verifies), and imported for Web Crypto, which signs on the thread pool.
 */
function dkimIdentity(config: SmtpMailerConfig, log: Logger): Promise<DkimIdentity> | undefined {
  const { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, DKIM_PRIVATE_KEY: key } = config;
  if (!(domain && selector && key)) {
    if (domain || selector || key)
      log.warn('DKIM signing is off: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY must all be set');
    return undefined;
  }
  const privateKey = createPrivateKey(dkimKey(key));
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new Error(`DKIM_PRIVATE_KEY must be an RSA key, not ${privateKey.asymmetricKeyType}`);
  const der = new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));
  const identity = importDkimKey(der).then((k) => ({ domain, selector, key: k }));
  identity.catch(() => {}); // reported by each send that needs it, as a fault of ours
  return identity;
}

/** Where the pool connects, without credentials (for logs). */
export function describeSmtpUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
}

export function smtpMailer(config: SmtpMailerConfig, log: Logger, options: SmtpMailerOptions = {}) {
  if (!config.SMTP_URL) throw new Error('smtpMailer needs SMTP_URL');
  const fromAddress = assertSingleAddress('MAIL_FROM', config.MAIL_FROM);
  const dkim = dkimIdentity(config, log);
  // The rate limit (SMTP_RATE_PER_SECOND) is the outbound engine's: every message goes through it.
  const pool = smtpPool({
    // Bounded waits (nodemailer's own default is 10 minutes): a hung relay turns into a retryable fault
    // well inside the fan-out's lease. SMTP_URL query parameters override them.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    maxMessages: 100,
    ...(parseConnectionUrl(config.SMTP_URL) as Partial<SmtpPoolOptions>),
    maxConnections: config.SMTP_POOL_CONNECTIONS,
    ...options.transport,
  });
  let closed = false;

  async function send(message: OutgoingMessage): Promise<SendResult> {
    // Validation first: a refused message never reaches the transport.
    assertSafeMessage(message);
    assertExtraHeaders(message.headers);
    const from = message.from ?? config.MAIL_FROM;
    assertSingleAddress('To', message.to);
    assertSingleAddress('From', from);
    if (message.replyTo) assertSingleAddress('Reply-To', message.replyTo);
    const envelopeFrom = message.envelopeFrom
      ? assertSingleAddress('envelope sender', message.envelopeFrom, true)
      : fromAddress;
    const to = assertSingleAddress('To', message.to);

    // The message as bytes: built once per advisory by the caller (message.raw), or here; then signed.
    const now = new Date();
    let raw: string;
    try {
      raw = message.raw ?? buildMimeMessage(message, { from: config.MAIL_FROM, date: now });
    } catch (err) {
      const reply = `message could not be built: ${(err as Error).message}`;
      return { status: 'technical-failure', messageId: message.messageId, reply, command: NOT_BUILT };
    }
    if (dkim)
      try {
        raw = await dkimSign(raw, await dkim, now);
      } catch (err) {
        // our signing set-up, not this message: sending pauses until it is fixed
        const reply = `DKIM signing failed: ${(err as Error).message}`;
        return { status: 'technical-failure', messageId: message.messageId, reply, command: 'DKIM' };
      }

    try {
      const info = await pool.send({ from: envelopeFrom, to: [to] }, raw);
      const reply = info.response ?? '';
      const code = Number(/^\d{3}/.exec(reply)?.[0]);
      return {
        status: 'delivered',
        messageId: message.messageId,
        reply,
        ...(Number.isFinite(code) ? { code } : {}),
      };
    } catch (err) {
      const outcome = classifySmtpError(err);
      log.debug('smtp send failed', {
        messageId: message.messageId,
        status: outcome.status,
        reply: outcome.reply,
      });
      return { messageId: message.messageId, ...outcome };
    }
  }

  const mailer: Mailer = {
    send,
    reconnect: () => pool.recycle(),
    async close() {
      if (closed) return;
      closed = true;
      pool.close();
    },
  };
  return mailer;
}
