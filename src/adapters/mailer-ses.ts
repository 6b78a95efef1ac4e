// The HTTP mail adapter for the edge: Amazon SES API v2 `SendEmail` with raw content, signed with AWS
// Signature Version 4 (aws4fetch: Web Crypto and fetch only, so it runs on Workers and on Node alike).
//
// The message is built here (src/features/mail/mime.ts), so templates, headers and the Message-ID are the
// same as over SMTP. What SES changes, by its own documented rules:
// - SES sets the SMTP envelope sender (MAIL FROM) itself: amazonses.com or the identity's custom MAIL FROM
//   domain. The VERP address `bounces+<delivery>@MAIL_DOMAIN` therefore cannot be the envelope sender; it is
//   sent as `FeedbackForwardingEmailAddress`, so with email feedback forwarding on, SES mails its bounce and
//   complaint notifications to it and they reach POST /api/v1/inbound/bounces as they do from an MTA (the
//   MAIL_DOMAIN identity must be verified in SES). With SES_CONFIGURATION_SET, bounces can instead be
//   published as events (SNS / EventBridge); turning those into bounce records is not part of this adapter.
//   The VERP address stays the Return-Path only for SMTP sending (Node).
// - SES replaces the Message-ID header with its own (`<SES MessageId@…amazonses.com>`) and the Date header
//   with the time it accepted the message. Ours goes along as `Original-Message-ID` (a header SES keeps), so
//   a resend is recognisable as the same message; the one SES gave it is returned as `deliveredMessageId`
//   and kept with the delivery, so an update's In-Reply-To and References name what the recipient has and
//   it threads (src/features/advisories/message.ts).
//
// Outcomes, in the port's (GOV.UK Notify's) statuses:
// | SES answer                                                              | status             |
// | 200 with a MessageId                                                    | delivered          |
// | 429, TooManyRequestsException, ThrottlingException/Throttling,          | temporary-failure  |
// |   LimitExceededException (sending quota), 408, any 5xx, network errors  |   (retried)        |
// |   and timeouts                                                          |                    |
// | 400 MessageRejected (SES refuses this message: content, or a recipient  | permanent-failure  |
// |   it will not send to)                                                  |   (final)          |
// | MailFromDomainNotVerifiedException, AccountSuspendedException,          | technical-failure  |
// |   SendingPausedException, NotFoundException (configuration set),        |   (our set-up:     |
// |   BadRequestException, 401/403 (credentials, signature, permissions),   |   retried until    |
// |   anything else, and a message that cannot be built                     |   the deadline)    |
import { AwsClient } from 'aws4fetch';
import type { Config } from '../config.js';
import { bareAddress } from '../mail/mime.js';
import { buildMimeMessage } from '../mail/mime-message.js';
import type { Logger } from '../ports/logger.js';
import {
  type Mailer,
  NOT_BUILT,
  type OutgoingMessage,
  type SendResult,
  type SendStatus,
} from '../ports/mailer.js';

export type SesMailerConfig = Pick<
  Config,
  | 'MAIL_FROM'
  | 'SES_REGION'
  | 'SES_ACCESS_KEY_ID'
  | 'SES_SECRET_ACCESS_KEY'
  | 'SES_SESSION_TOKEN'
  | 'SES_ENDPOINT'
  | 'SES_CONFIGURATION_SET'
  | 'SES_TIMEOUT_MS'
>;

export interface SesMailerOptions {
  /** Outbound HTTP; the global fetch by default. */
  fetch?: typeof fetch;
  /** The Date header (SES replaces it); the system clock by default. */
  now?: () => Date;
}

const temporaryErrors = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const permanentErrors = new Set(['MessageRejected']);

/** The SES error type from `x-amzn-ErrorType` (`MessageRejected:http://…`) or the JSON body's `__type`/`code`. */
export function sesErrorType(header: string | null, body: unknown): string | undefined {
  const fromHeader = header?.split(':')[0]?.trim();
  if (fromHeader) return fromHeader;
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const raw = [b.__type, b.code, b.Code, b.name].find((v) => typeof v === 'string') as string | undefined;
    if (raw) return raw.split('#').pop()?.split(':')[0];
  }
  return undefined;
}

/** Maps an SES answer (HTTP status and error type) to the port's status: see the table above. */
export function classifySesStatus(httpStatus: number, errorType: string | undefined): SendStatus {
  if (httpStatus >= 200 && httpStatus < 300) return 'delivered';
  if (errorType && permanentErrors.has(errorType)) return 'permanent-failure';
  if (errorType && temporaryErrors.has(errorType)) return 'temporary-failure';
  if (httpStatus === 429 || httpStatus === 408 || httpStatus >= 500) return 'temporary-failure';
  return 'technical-failure';
}

export function sesEndpoint(config: Pick<Config, 'SES_ENDPOINT' | 'SES_REGION'>): string {
  const base = config.SES_ENDPOINT ?? `https://email.${config.SES_REGION}.amazonaws.com`;
  return `${base.replace(/\/+$/, '')}/v2/email/outbound-emails`;
}

/**
 * The Message-ID SES gives a message it accepted: `<MessageId@email.amazonses.com>` in us-east-1,
 * `<MessageId@<region>.amazonses.com>` elsewhere.
 */
export function sesMessageId(region: string, messageId: string): string {
  return `<${messageId}@${region === 'us-east-1' ? 'email' : region}.amazonses.com>`;
}

/** The raw message with our Message-ID also in `Original-Message-ID`, which SES does not replace. */
export function withOriginalMessageId(raw: string, messageId: string): string {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end === -1 ? raw : raw.slice(0, end);
  if (/^Original-Message-ID:/im.test(head)) return raw;
  return `Original-Message-ID: ${messageId}\r\n${raw}`;
}

/** The raw message as SES takes it: base64 of the 7-bit text. */
function base64Ascii(text: string): string {
  return btoa(text);
}

export function sesMailer(config: SesMailerConfig, log: Logger, options: SesMailerOptions = {}) {
  const {
    SES_REGION: region,
    SES_ACCESS_KEY_ID: accessKeyId,
    SES_SECRET_ACCESS_KEY: secretAccessKey,
  } = config;
  if (!region || !accessKeyId || !secretAccessKey)
    throw new Error('The SES mailer needs SES_REGION, SES_ACCESS_KEY_ID and SES_SECRET_ACCESS_KEY.');
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => new Date());
  const url = sesEndpoint(config);
  // retries: 0 — the fan-out decides when to try again (backoff with jitter, up to the delivery's deadline).
  const aws = new AwsClient({
    accessKeyId,
    secretAccessKey,
    sessionToken: config.SES_SESSION_TOKEN,
    service: 'ses',
    region,
    retries: 0,
  });
  const fromAddress = bareAddress(config.MAIL_FROM);

  async function send(message: OutgoingMessage): Promise<SendResult> {
    const failed = (status: SendStatus, reply: string, failure: string): SendResult => ({
      status,
      messageId: message.messageId,
      reply: reply.slice(0, 2000),
      failure,
    });
    // Validation (inside the builder) throws, as in every adapter: a refused message is never sent.
    const raw = withOriginalMessageId(
      message.raw ?? buildMimeMessage(message, { from: config.MAIL_FROM, date: now() }),
      message.messageId,
    );
    let body: string;
    try {
      const payload: Record<string, unknown> = {
        FromEmailAddress: message.from ? bareAddress(message.from) : fromAddress,
        Destination: { ToAddresses: [bareAddress(message.to)] },
        Content: { Raw: { Data: base64Ascii(raw) } },
      };
      if (message.envelopeFrom) payload.FeedbackForwardingEmailAddress = bareAddress(message.envelopeFrom);
      if (config.SES_CONFIGURATION_SET) payload.ConfigurationSetName = config.SES_CONFIGURATION_SET;
      body = JSON.stringify(payload);
    } catch (err) {
      return {
        ...failed('technical-failure', `message could not be built: ${(err as Error).message}`, 'not built'),
        command: NOT_BUILT,
      };
    }

    let res: Response;
    try {
      const request = await aws.sign(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      res = await fetcher(request, { signal: AbortSignal.timeout(config.SES_TIMEOUT_MS) });
    } catch (err) {
      const e = err as Error;
      const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : e.message;
      log.debug('ses send failed before an answer', { messageId: message.messageId, err });
      return failed('temporary-failure', `SES unreachable: ${reason}`, 'SES unreachable');
    }

    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.ok) {
      const id = (json as { MessageId?: unknown } | undefined)?.MessageId;
      const given = typeof id === 'string' && /^[A-Za-z0-9._-]{1,200}$/.test(id) ? id : null;
      return {
        status: 'delivered',
        messageId: message.messageId,
        reply: `${res.status} accepted by SES: MessageId ${given ?? '(none given)'}`,
        ...(given ? { deliveredMessageId: sesMessageId(region as string, given) } : {}),
      };
    }
    const type = sesErrorType(res.headers.get('x-amzn-errortype'), json);
    const detail =
      (json as { message?: unknown; Message?: unknown } | undefined)?.message ??
      (json as { Message?: unknown } | undefined)?.Message ??
      text.slice(0, 300);
    const status = classifySesStatus(res.status, type);
    log.debug('ses refused a message', { messageId: message.messageId, status: res.status, type });
    return failed(
      status,
      `${res.status} ${type ?? 'error'}: ${String(detail)}`.trim(),
      `SES ${type ?? `HTTP ${res.status}`}`,
    );
  }

  const mailer: Mailer = { send, async close() {} };
  return Object.assign(mailer, { endpoint: url });
}
