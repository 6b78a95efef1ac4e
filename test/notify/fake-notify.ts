// A fake GOV.UK Notify that checks what the real one checks and answers what the real one answers
// (alphagov/notifications-api: app/authentication/auth.py, app/v2/notifications/, app/v2/errors.py,
// app/notifications/validators.py). A plain (Request) => Response function, so msw (Node tests) and
// miniflare's outboundService (the Worker test) can both put it at the HTTP edge.
//   Authorisation: `Bearer <JWT>`, HS256 over the key's secret, `iss` the service id, `iat` within 30 s of
//   its clock, else 401/403 AuthError with Notify's messages.
//   POST /v2/notifications/sms and /email: the request schema (required fields, no others, UUIDs), the
//   recipient's format, the template (known, of the right type, its placeholders given), the rate limit
//   (Notify's token bucket, and the documented 3,000 in any 60 seconds), then 201 with Notify's body.
//   GET /v2/notifications/{id}: Notify's notification body, or 404 NoResultFound.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const NOTIFY_URL = 'https://notify.fake';
export const SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
export const SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
export const API_KEY = `cyber_contacts_live-${SERVICE_ID}-${SECRET}`;
export const SMS_TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
export const EMAIL_TEMPLATE = '4a5c1a0f-2e6b-4c83-9a0f-7d8c3b0e2f11';
export const REPLY_TO = '9b0f6a3c-1d2e-4f5a-8b7c-6d5e4f3a2b1c';

export interface NotifyError {
  error: string;
  message: string;
}

/** Notify's error body. */
export const errorBody = (status: number, ...errors: NotifyError[]) =>
  new Response(JSON.stringify({ status_code: status, errors }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/** The documented errors, as Notify words them. */
export const notifyErrors = {
  invalidNumber: () =>
    errorBody(400, { error: 'ValidationError', message: 'phone_number Not enough digits' }),
  notUkMobile: () => errorBody(400, { error: 'InvalidPhoneError', message: 'Not a UK mobile number' }),
  invalidEmail: () =>
    errorBody(400, { error: 'ValidationError', message: 'email_address Not a valid email address' }),
  teamKey: () =>
    errorBody(400, {
      error: 'BadRequestError',
      message: 'Can’t send to this recipient using a team-only API key',
    }),
  trialMode: () =>
    errorBody(400, {
      error: 'BadRequestError',
      message:
        'Can’t send to this recipient when service is in trial mode – see https://www.notifications.service.gov.uk/trial-mode',
    }),
  templateNotFound: () => errorBody(400, { error: 'BadRequestError', message: 'Template not found' }),
  invalidToken: () =>
    errorBody(403, {
      error: 'AuthError',
      message:
        'Invalid token: make sure your API token matches the example at https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header',
    }),
  clock: () =>
    errorBody(403, {
      error: 'AuthError',
      message: 'Error: Your system clock must be accurate to within 30 seconds',
    }),
  rateLimit: () =>
    errorBody(429, {
      error: 'RateLimitError',
      message: 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds',
    }),
  dailyLimit: (type = 'sms', limit = 250_000) =>
    errorBody(429, {
      error: 'TooManyRequestsError',
      message: `Exceeded send limits (${type}: ${limit}) for today`,
    }),
  internal: () => errorBody(500, { error: 'Exception', message: 'Internal server error' }),
};

export interface NotifyCall {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  claims: { iss: string; iat: number };
  header: { alg: string; typ: string };
  /** The Authorization header as sent. */
  authorization: string;
  answered: number;
}

interface Stored {
  id: string;
  type: 'sms' | 'email';
  reference: string | null;
  to: string;
  status: string;
  body: string;
  subject: string | null;
  createdAt: Date;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const b64url = (s: string) => Buffer.from(s, 'base64url');
const notifyDate = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export interface FakeNotifyOptions {
  /** Notify's clock (the tests' fake clock, or the real one). */
  now?: () => Date;
  ratePerMinute?: number;
}

export function fakeNotify(options: FakeNotifyOptions = {}) {
  const now = options.now ?? (() => new Date());
  const rate = options.ratePerMinute ?? 3000;
  const calls: NotifyCall[] = [];
  const planned: Array<(request: Request) => Response | Promise<Response>> = [];
  const notifications = new Map<string, Stored>();
  const accepted: number[] = [];
  // Notify's token bucket (the tally-bucket-rate-limit script): starts full; each request replenishes whole
  // tokens at rate/60 a second since the last whole token, takes one (never below 0), and is refused when
  // fewer than one remains.
  const bucketMax = Math.min(Math.ceil(rate / 3) + 1, 1000);
  let tokens = bucketMax;
  let replenishedAt: number | undefined;

  function rateLimited(): boolean {
    const t = now().getTime() / 1000;
    replenishedAt ??= t;
    const perSecond = rate / 60;
    const replenishment = Math.floor(Math.max(t - replenishedAt, 0) * perSecond);
    tokens = Math.min(tokens + replenishment, bucketMax);
    tokens = Math.max(tokens - 1, 0);
    replenishedAt += replenishment / perSecond;
    if (tokens < 1) return true;
    // The documented limit: at most `rate` notifications in any 60 seconds.
    const ms = now().getTime();
    const inWindow = accepted.filter((a) => a > ms - 60_000).length;
    return inWindow >= rate;
  }

  /** The AuthError Notify gives for this Authorization header, or the token's parts. */
  function authorise(
    request: Request,
  ): Response | { claims: NotifyCall['claims']; header: NotifyCall['header'] } {
    const auth = request.headers.get('authorization');
    if (!auth)
      return errorBody(401, {
        error: 'AuthError',
        message: 'Unauthorized: authentication token must be provided',
      });
    if (auth.slice(0, 7).toLowerCase() !== 'bearer ')
      return errorBody(401, {
        error: 'AuthError',
        message: 'Unauthorized: authentication bearer scheme must be used',
      });
    const [h, p, s] = auth.slice(7).split('.');
    if (!h || !p || !s) return notifyErrors.invalidToken();
    let header: NotifyCall['header'];
    let claims: NotifyCall['claims'];
    try {
      header = JSON.parse(b64url(h).toString('utf8'));
      claims = JSON.parse(b64url(p).toString('utf8'));
    } catch {
      return notifyErrors.invalidToken();
    }
    if (!claims.iss)
      return errorBody(403, { error: 'AuthError', message: 'Invalid token: iss field not provided' });
    if (claims.iss !== SERVICE_ID)
      return errorBody(403, { error: 'AuthError', message: 'Invalid token: service not found' });
    if (header.alg !== 'HS256')
      return errorBody(403, { error: 'AuthError', message: 'Invalid token: algorithm used is not HS256' });
    const expected = createHmac('sha256', SECRET).update(`${h}.${p}`).digest();
    const given = b64url(s);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return errorBody(403, { error: 'AuthError', message: 'Invalid token: API key not found' });
    if (typeof claims.iat !== 'number' || Math.abs(now().getTime() / 1000 - claims.iat) > 30)
      return notifyErrors.clock();
    return { claims, header };
  }

  function validationErrors(type: 'sms' | 'email', body: Record<string, unknown>): NotifyError[] {
    const errors: NotifyError[] = [];
    const field = type === 'sms' ? 'phone_number' : 'email_address';
    const allowed = new Set([
      field,
      'template_id',
      'personalisation',
      'reference',
      'scheduled_for',
      type === 'sms' ? 'sms_sender_id' : 'email_reply_to_id',
      ...(type === 'email' ? ['one_click_unsubscribe_url'] : []),
    ]);
    for (const name of Object.keys(body))
      if (!allowed.has(name))
        errors.push({
          error: 'ValidationError',
          message: `Additional properties are not allowed (${name} was unexpected)`,
        });
    for (const name of [field, 'template_id'])
      if (body[name] === undefined)
        errors.push({ error: 'ValidationError', message: `${name} is a required property` });
    const to = body[field];
    if (to !== undefined && typeof to !== 'string')
      errors.push({ error: 'ValidationError', message: `${field} ${String(to)} is not of type string` });
    if (typeof to === 'string') {
      if (type === 'sms') {
        const digits = to.replace(/[\s()+-]/g, '');
        if (/[^\d\s()+-]/.test(to))
          errors.push({
            error: 'ValidationError',
            message: 'phone_number Must not contain letters or symbols',
          });
        else if (digits.replace(/^(44|0)/, '').length < 10)
          errors.push({ error: 'ValidationError', message: 'phone_number Not enough digits' });
        else if (digits.replace(/^(44|0)/, '').length > 10)
          errors.push({ error: 'ValidationError', message: 'phone_number Too many digits' });
      } else if (!/^[^\s@()]+@[^\s@]+\.[^\s@]+$/.test(to))
        errors.push({ error: 'ValidationError', message: 'email_address Not a valid email address' });
    }
    for (const name of ['template_id', 'sms_sender_id', 'email_reply_to_id'])
      if (body[name] !== undefined && (typeof body[name] !== 'string' || !uuid.test(body[name] as string)))
        errors.push({ error: 'ValidationError', message: `${name} is not a valid UUID` });
    if (typeof body.reference === 'string' && body.reference.length > 1000)
      errors.push({ error: 'ValidationError', message: 'reference is too long' });
    if (
      body.personalisation !== undefined &&
      (typeof body.personalisation !== 'object' || !body.personalisation)
    )
      errors.push({ error: 'ValidationError', message: 'personalisation is not of type object' });
    return errors;
  }

  async function post(type: 'sms' | 'email', request: Request, base: string): Promise<Response> {
    let body: Record<string, unknown>;
    try {
      body = (await request.json()) as Record<string, unknown>;
    } catch {
      return errorBody(400, { error: 'BadRequestError', message: 'Invalid JSON supplied in POST data' });
    }
    const invalid = validationErrors(type, body);
    if (invalid.length) return errorBody(400, ...invalid);
    const template =
      body.template_id === SMS_TEMPLATE ? 'sms' : body.template_id === EMAIL_TEMPLATE ? 'email' : null;
    if (!template) return notifyErrors.templateNotFound();
    if (template !== type)
      return errorBody(400, {
        error: 'BadRequestError',
        message: `${template} template is not suitable for ${type} notification`,
      });
    const personalisation = (body.personalisation ?? {}) as Record<string, unknown>;
    const needed = type === 'sms' ? ['message'] : ['subject', 'body'];
    const missing = needed.filter((n) => personalisation[n] === undefined);
    if (missing.length)
      return errorBody(400, {
        error: 'BadRequestError',
        message: `Missing personalisation: ${missing.join(', ')}`,
      });
    if (type === 'sms' && !/^(\+?44|0)7/.test(String(body.phone_number).replace(/[\s()-]/g, '')))
      return notifyErrors.notUkMobile();
    if (body.email_reply_to_id !== undefined && body.email_reply_to_id !== REPLY_TO)
      return errorBody(400, {
        error: 'BadRequestError',
        message: `email_reply_to_id ${body.email_reply_to_id} does not exist in database for service id ${SERVICE_ID}`,
      });
    if (rateLimited()) return notifyErrors.rateLimit();
    accepted.push(now().getTime());

    const id = randomUUID();
    const text = type === 'sms' ? String(personalisation.message) : String(personalisation.body);
    const subject = type === 'email' ? String(personalisation.subject) : null;
    notifications.set(id, {
      id,
      type,
      reference: typeof body.reference === 'string' ? body.reference : null,
      to: String(body[type === 'sms' ? 'phone_number' : 'email_address']),
      status: 'created',
      body: text,
      subject,
      createdAt: now(),
    });
    const template_ = {
      id: body.template_id,
      version: 1,
      uri: `${base}/services/${SERVICE_ID}/templates/${body.template_id}`,
    };
    const content =
      type === 'sms'
        ? { body: text, from_number: 'GOVUK' }
        : {
            from_email: 'council.cyber.contacts@notifications.service.gov.uk',
            body: text,
            subject,
            one_click_unsubscribe_url: null,
          };
    return Response.json(
      {
        id,
        reference: body.reference ?? null,
        content,
        uri: `${base}/v2/notifications/${id}`,
        template: template_,
        scheduled_for: null,
      },
      { status: 201 },
    );
  }

  function get(id: string, base: string): Response {
    if (!uuid.test(id))
      return errorBody(400, { error: 'ValidationError', message: 'notification_id is not a valid UUID' });
    const n = notifications.get(id);
    if (!n) return errorBody(404, { error: 'NoResultFound', message: 'No result found' });
    const final = !['created', 'sending', 'pending'].includes(n.status);
    return Response.json({
      id: n.id,
      reference: n.reference,
      email_address: n.type === 'email' ? n.to : null,
      phone_number: n.type === 'sms' ? n.to : null,
      line_1: null,
      line_2: null,
      line_3: null,
      line_4: null,
      line_5: null,
      line_6: null,
      postcode: null,
      type: n.type,
      status: n.status,
      template: {
        id: n.type === 'sms' ? SMS_TEMPLATE : EMAIL_TEMPLATE,
        version: 1,
        uri: `${base}/v2/template/x`,
      },
      body: n.body,
      subject: n.subject,
      created_at: notifyDate(n.createdAt),
      created_by_name: null,
      sent_at: notifyDate(n.createdAt),
      completed_at: final ? notifyDate(now()) : null,
      scheduled_for: null,
    });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const base = `${url.protocol}//${url.host}`;
    const auth = authorise(request);
    const record = (answered: number, body?: Record<string, unknown>) => {
      if (!(auth instanceof Response))
        calls.push({
          method: request.method,
          path: url.pathname,
          body,
          ...auth,
          authorization: request.headers.get('authorization') ?? '',
          answered,
        });
    };
    const bodyText = request.method === 'POST' ? await request.clone().text() : '';
    const sent = bodyText ? (JSON.parse(bodyText) as Record<string, unknown>) : undefined;
    let res: Response;
    if (auth instanceof Response) res = auth;
    else if (planned.length) res = await planned.shift()!(request);
    else if (request.method === 'POST' && url.pathname === '/v2/notifications/sms')
      res = await post('sms', request, base);
    else if (request.method === 'POST' && url.pathname === '/v2/notifications/email')
      res = await post('email', request, base);
    else if (request.method === 'GET' && url.pathname.startsWith('/v2/notifications/'))
      res = get(url.pathname.slice('/v2/notifications/'.length), base);
    else res = errorBody(404, { error: 'NotFound', message: 'Not found' });
    record(res.status, sent);
    return res;
  }

  return {
    handle,
    calls,
    notifications,
    /** The next answers, whatever the request, before it goes back to checking and accepting. */
    answerNext(...answers: Array<(request: Request) => Response | Promise<Response>>) {
      planned.push(...answers);
    },
    /** Moves a notification on (Notify's provider reported back). */
    setStatus(id: string, status: string) {
      const n = notifications.get(id);
      if (!n) throw new Error(`no notification ${id}`);
      n.status = status;
    },
    /** How many Notify answered 429. */
    refusals: () => calls.filter((c) => c.answered === 429).length,
  };
}

export type FakeNotify = ReturnType<typeof fakeNotify>;
