// A small client of GOV.UK Notify's REST API (v2), shared by the SMS sender and the Notify mailer: Web
// Crypto and fetch only, so it runs on Node and Workers alike (docs.notifications.service.gov.uk/rest-api).
//
// Authorisation: every request carries `Authorization: Bearer <JWT>`, a JSON Web Token signed HS256 with
// the key's secret, whose claims are `iss` (the service id) and `iat` (now, in seconds). Notify refuses a
// token issued more than 30 seconds away from its clock, so each request gets a fresh one.
//
// Outcomes, in the ports' (Notify's own) statuses, by whose fault a failure is:
// | Notify answer                                                            | status            |
// | 201 created                                                              | accepted: the     |
// |                                                                          |   adapter says    |
// | 400 ValidationError on `phone_number` / `email_address` ("phone_number   | permanent-failure |
// |   Not enough digits", "email_address Not a valid email address"), 400    |   (the number's / |
// |   InvalidPhoneError / InvalidEmailError ("Not a UK mobile number"), 400  |   the address's)  |
// |   "Cannot send to international mobile numbers"                          |                   |
// | any other 400 (template not found, "Can’t send to this recipient using a | technical-failure |
// |   team-only API key", trial mode, "Missing personalisation: …"), 401 and |   (ours: a key,   |
// |   403 AuthError (invalid token, "Your system clock must be accurate to   |   a template, a   |
// |   within 30 seconds"), any other 4xx                                     |   setting)        |
// | 429 RateLimitError ("Exceeded rate limit for key type LIVE of 3000       | temporary-failure |
// |   requests per 60 seconds"): retryAfterMs 60 s; 429 TooManyRequestsError|   (retried later) |
// |   ("Exceeded send limits (sms: 250000) for today"): retryAfterMs until   |                   |
// |   Notify's day ends (its daily counts are kept per UTC date); 5xx,       |                   |
// |   network errors and timeouts                                            |                   |
//
// Rate limit: Notify allows a key type 3,000 requests a minute (NOTIFY_RATE_PER_MINUTE when it gave the
// service more). Its API enforces that with a token bucket (app/notifications/validators.py: at most
// min(ceil(rate/3) + 1, 1000) tokens, refilled at rate/60 a second, a request refused once fewer than one
// would remain), and its documentation speaks of the rate over a rolling minute; `notifyRateLimit` keeps
// within both, on the injected clock. A send it holds back is never sent: it answers temporary-failure
// with the wait. The limit is one process's (on Workers, one isolate's or one queue or cron invocation's):
// Notify's 429 remains the safety net.
//
// Replies are short, and never contain the key, its secret or a token.
import { type NotifyApiKey, parseNotifyApiKey } from '../lib/notify-key.js';
import { base64url } from '../ports/random.js';
import type { SmsStatus } from '../ports/sms.js';

export { type NotifyApiKey, parseNotifyApiKey } from '../lib/notify-key.js';

export const NOTIFY_PRODUCTION_URL = 'https://api.notifications.service.gov.uk';

export interface NotifyClientSettings {
  apiKey: string;
  baseUrl?: string;
  timeoutMs: number;
  /** Notify's per-minute rate limit for the key (3000 unless Notify raised it). */
  ratePerMinute: number;
}

export interface NotifyClientOptions {
  /** Outbound HTTP; the global fetch by default. */
  fetch?: typeof fetch;
  /** The JWT's `iat` and the rate limit's clock; the system clock by default. */
  now?: () => Date;
  /** A rate limit shared with another client of the same key (the SMS sender and the mailer). */
  rateLimit?: NotifyRateLimit;
}

/** A failure, in the port's terms. */
export interface NotifyFailure {
  status: Exclude<SmsStatus, 'sending' | 'delivered'>;
  /** A few words for the report: `400 ValidationError: phone_number Not enough digits`. */
  reply: string;
  /** The same for every recipient it happens to: `Notify ValidationError`, `Notify AuthError`, `Notify 5xx`. */
  failure: string;
  retryAfterMs?: number;
}

export type NotifyAnswer =
  | { ok: true; httpStatus: number; body: Record<string, unknown> }
  | ({ ok: false; httpStatus?: number } & NotifyFailure);

/** One entry of Notify's error body `{"status_code": 400, "errors": [{"error": …, "message": …}]}`. */
export interface NotifyError {
  error: string;
  message: string;
}

/** The recipient field of a send: errors about it are the recipient's, not ours. */
export type RecipientField = 'phone_number' | 'email_address';

// ---------- the token ----------

const encoder = new TextEncoder();

const jsonPart = (value: unknown) => base64url(encoder.encode(JSON.stringify(value)));

/** The HMAC-SHA-256 key of a Notify secret, for `notifyToken`. */
export function notifySigningKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

/** A Notify JWT: header `{"typ":"JWT","alg":"HS256"}`, claims `{"iss": service id, "iat": seconds}`. */
export async function notifyToken(serviceId: string, signingKey: CryptoKey, at: Date): Promise<string> {
  const unsigned = `${jsonPart({ typ: 'JWT', alg: 'HS256' })}.${jsonPart({
    iss: serviceId,
    iat: Math.floor(at.getTime() / 1000),
  })}`;
  const signature = await crypto.subtle.sign('HMAC', signingKey, encoder.encode(unsigned));
  return `${unsigned}.${base64url(new Uint8Array(signature))}`;
}

// ---------- the rate limit ----------

export interface NotifyRateLimit {
  /** Takes one request's place: 0 when it may go now, else how many milliseconds until one may. */
  take(): number;
  /** Notify said 429 RateLimitError: its bucket is empty whatever ours says, so empty ours too. */
  drain(): void;
}

const MINUTE_MS = 60_000;

/**
 * Notify's token bucket (min(ceil(rate/3), 999) requests at once, then rate/60 a second) and at most
 * `perMinute` requests in any 60 seconds, both on `now`.
 */
export function notifyRateLimit(perMinute: number, now: () => Date): NotifyRateLimit {
  const capacity = Math.max(1, Math.min(Math.ceil(perMinute / 3), 999));
  const perMs = perMinute / MINUTE_MS;
  let tokens = capacity;
  let filledAt = now().getTime();
  // Times of the requests of the last minute, oldest first, from `head` on.
  let times: number[] = [];
  let head = 0;
  return {
    take() {
      const t = now().getTime();
      if (t > filledAt) {
        tokens = Math.min(capacity, tokens + (t - filledAt) * perMs);
        filledAt = t;
      }
      while (head < times.length && (times[head] as number) <= t - MINUTE_MS) head++;
      if (head > 1024) {
        times = times.slice(head);
        head = 0;
      }
      const bucketWait = tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs);
      const windowWait = times.length - head < perMinute ? 0 : (times[head] as number) + MINUTE_MS - t;
      const wait = Math.max(bucketWait, windowWait);
      if (wait > 0) return wait;
      tokens -= 1;
      times.push(t);
      return 0;
    },
    drain() {
      tokens = 0;
      filledAt = Math.max(filledAt, now().getTime());
    },
  };
}

// ---------- what an answer means ----------

/** Notify's error body, or [] when the body is something else (a proxy's HTML page, say). */
export function notifyErrors(body: unknown): NotifyError[] {
  if (!body || typeof body !== 'object') return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e) =>
    e && typeof e === 'object' && typeof e.error === 'string'
      ? [{ error: e.error, message: typeof e.message === 'string' ? e.message : '' }]
      : [],
  );
}

/** Is this error about the recipient (the number or the address itself)? */
function aboutRecipient(e: NotifyError, field: RecipientField): boolean {
  // "phone_number Not enough digits" is the number's; "phone_number is a required property" or "… is not
  // of type string" is our request's.
  if (e.error === 'ValidationError')
    return e.message.startsWith(`${field} `) && !/is a required property|is not of type/.test(e.message);
  // "Cannot send to international mobile numbers" is not: it is our Notify service's permission.
  if (field === 'phone_number') return e.error === 'InvalidPhoneError';
  return e.error === 'InvalidEmailError';
}

/** When Notify's day ends: its daily limits count per UTC date, so the next 00:00 UTC (and a minute). */
export function untilNotifyDayEnds(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return next - at.getTime() + MINUTE_MS;
}

/** Maps a Notify error answer to the port's status: see the table at the top. */
export function classifyNotifyError(
  httpStatus: number,
  errors: NotifyError[],
  field: RecipientField,
  at: Date,
): NotifyFailure {
  const first = errors[0];
  const type = first?.error;
  const words = first ? `${type}: ${first.message}` : 'error';
  const reply = `${httpStatus} ${words}`;
  if (httpStatus === 429) {
    const daily = errors.some((e) => e.error === 'TooManyRequestsError');
    return {
      status: 'temporary-failure',
      reply,
      failure: `Notify ${daily ? 'TooManyRequestsError' : (type ?? '429')}`,
      retryAfterMs: daily ? untilNotifyDayEnds(at) : MINUTE_MS,
    };
  }
  if (httpStatus >= 500) return { status: 'temporary-failure', reply, failure: 'Notify 5xx' };
  if (httpStatus === 401 || httpStatus === 403)
    return { status: 'technical-failure', reply, failure: 'Notify AuthError' };
  if (httpStatus === 400 && errors.length > 0 && errors.every((e) => aboutRecipient(e, field)))
    return { status: 'permanent-failure', reply, failure: `Notify ${type}` };
  return { status: 'technical-failure', reply, failure: `Notify ${type ?? `HTTP ${httpStatus}`}` };
}

/** Notify's status word as the port's, or null for one we do not know (letters' `returned-letter` …). */
export function notifyStatus(word: string): SmsStatus | null {
  switch (word) {
    case 'created':
    case 'sending':
    case 'pending':
      return 'sending';
    // `sent`: an international text handed to the carrier, which sends no receipt: as good as delivered.
    case 'delivered':
    case 'sent':
      return 'delivered';
    case 'permanent-failure':
    case 'temporary-failure':
    case 'technical-failure':
      return word;
    default:
      return null;
  }
}

/** A Notify time (`2017-05-14T12:15:30.000000Z`, always UTC) as a Date; null when absent or unreadable. */
export function notifyTime(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) return null;
  const utc = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const d = new Date(utc.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? null : d;
}

// ---------- the client ----------

export interface NotifyClient {
  readonly serviceId: string;
  readonly baseUrl: string;
  /** POST a notification (rate limited). */
  send(path: string, payload: Record<string, unknown>, field: RecipientField): Promise<NotifyAnswer>;
  /** GET (not rate limited: Notify limits sends only). */
  get(path: string): Promise<NotifyAnswer>;
}

/** The client of the settings the service is configured with (the SMS sender's and the mailer's). */
export function notifyClientOf(
  config: { NOTIFY_BASE_URL?: string; NOTIFY_TIMEOUT_MS: number; NOTIFY_RATE_PER_MINUTE: number },
  apiKey: string,
  options: NotifyClientOptions = {},
): NotifyClient {
  return notifyClient(
    {
      apiKey,
      baseUrl: config.NOTIFY_BASE_URL,
      timeoutMs: config.NOTIFY_TIMEOUT_MS,
      ratePerMinute: config.NOTIFY_RATE_PER_MINUTE,
    },
    options,
  );
}

/** Throws (naming NOTIFY_API_KEY, never its value) when the key is malformed. */
export function notifyClient(
  settings: NotifyClientSettings,
  options: NotifyClientOptions = {},
): NotifyClient {
  const key: NotifyApiKey = parseNotifyApiKey(settings.apiKey);
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => new Date());
  const baseUrl = (settings.baseUrl ?? NOTIFY_PRODUCTION_URL).replace(/\/+$/, '');
  const limit = options.rateLimit ?? notifyRateLimit(settings.ratePerMinute, now);
  let signingKey: Promise<CryptoKey> | undefined;
  const secrets = [settings.apiKey.trim(), key.secret];

  /** Never lets the key or its secret (or a token, which is longer) into a reply. */
  const clean = (text: string) => {
    let out = text.replace(/\s+/g, ' ').trim();
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return out.replace(/eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+/g, '[redacted]').slice(0, 300);
  };

  async function call(method: 'GET' | 'POST', path: string, field: RecipientField, payload?: unknown) {
    let res: Response;
    try {
      // A failed import is not kept: the next request tries again.
      signingKey ??= notifySigningKey(key.secret).catch((err) => {
        signingKey = undefined;
        throw err;
      });
      const token = await notifyToken(key.serviceId, await signingKey, now());
      res = await fetcher(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'user-agent': 'cyber-contacts',
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timed out' : e.message;
      return {
        ok: false,
        status: 'temporary-failure',
        reply: clean(`Notify unreachable: ${reason}`),
        failure: 'Notify unreachable',
      } satisfies NotifyAnswer;
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok)
      return {
        ok: true,
        httpStatus: res.status,
        body: body && typeof body === 'object' ? (body as Record<string, unknown>) : {},
      } satisfies NotifyAnswer;
    const errors = notifyErrors(body);
    const failure = classifyNotifyError(res.status, errors, field, now());
    if (res.status === 429 && errors.some((e) => e.error === 'RateLimitError')) limit.drain();
    const reply =
      errors.length > 0 ? failure.reply : `${res.status} ${text.slice(0, 100) || res.statusText || 'error'}`;
    return { ok: false, httpStatus: res.status, ...failure, reply: clean(reply) } satisfies NotifyAnswer;
  }

  return {
    serviceId: key.serviceId,
    baseUrl,
    async send(path, payload, field) {
      const wait = limit.take();
      if (wait > 0)
        return {
          ok: false,
          status: 'temporary-failure',
          reply: `held back: over Notify's rate limit of ${settings.ratePerMinute} a minute`,
          failure: 'Notify rate limit (ours)',
          retryAfterMs: wait,
        };
      return call('POST', path, field, payload);
    },
    get: (path) => call('GET', path, 'phone_number'),
  };
}
