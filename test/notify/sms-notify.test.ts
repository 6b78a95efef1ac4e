// The Notify SMS sender against a fake Notify at the HTTP edge (msw): what it sends (a fresh HS256 JWT per
// request, Notify's request body), and what each of Notify's documented answers means for the text.
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { notifySms } from '../../src/adapters/sms-notify.js';
import { parseConfig } from '../../src/config.js';
import { memoryLogger } from '../../src/ports/logger.js';
import type { OutgoingSms } from '../../src/ports/sms.js';
import {
  API_KEY,
  errorBody,
  NOTIFY_URL,
  notifyErrors,
  SECRET,
  SERVICE_ID,
  SMS_TEMPLATE,
} from './fake-notify.js';
import { decodeJwt, notifyConfig, useFakeNotify } from './support.js';

const notify = useFakeNotify();
const log = memoryLogger('silent');

const sms: OutgoingSms = {
  to: '+447700900123',
  text: 'An urgent advisory for Cardiff is waiting: sign in at https://cyber-contacts.example/a/1',
  reference: 'sms.0f3c9a',
};

const sender = (extra: Record<string, string> = {}, now = () => notify.state.clock.now()) =>
  notifySms(notifyConfig(extra), log, { now });

/** Nothing a reply says may carry the key, its secret or a token. */
function expectNoSecrets(reply: string) {
  expect(reply).not.toContain(SECRET);
  expect(reply).not.toContain(API_KEY);
  expect(reply).not.toMatch(/eyJ[\w-]*\.eyJ/);
  expect(reply.length).toBeLessThanOrEqual(300);
}

describe('sending a text through Notify', () => {
  it('posts the template, our text as ((message)) and our reference, with a JWT signed by the key', async () => {
    const result = await sender().send(sms);
    const [call] = notify.state.fake.calls;
    expect(result).toEqual({
      status: 'sending',
      providerId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      reply: `201 created by Notify: notification ${result.providerId}`,
    });
    expect(notify.state.fake.notifications.get(result.providerId!)).toMatchObject({
      reference: 'sms.0f3c9a',
      to: '+447700900123',
    });
    expect(call).toMatchObject({ method: 'POST', path: '/v2/notifications/sms', answered: 201 });
    expect(call!.body).toEqual({
      phone_number: '+447700900123',
      template_id: SMS_TEMPLATE,
      personalisation: { message: sms.text },
      reference: 'sms.0f3c9a',
    });
    // The token, decoded here independently of the fake: HS256, iss the service id, iat our clock's second,
    // signed with the key's secret (the last 36 characters) and nothing else.
    const token = call!.authorization.replace(/^Bearer /, '');
    const jwt = decodeJwt(token);
    expect(jwt.header).toEqual({ typ: 'JWT', alg: 'HS256' });
    expect(jwt.claims).toEqual({
      iss: SERVICE_ID,
      iat: Math.floor(notify.state.clock.now().getTime() / 1000),
    });
    expect(jwt.signed).toBe(true);
    expect(decodeJwt(token, API_KEY).signed).toBe(false);
  });

  it('signs a fresh token for every request, so none is older than Notify allows (30 s)', async () => {
    const s = sender();
    await s.send(sms);
    notify.state.clock.advance(45_000);
    const second = await s.send({ ...sms, reference: 'sms.2' });
    expect(second.status).toBe('sending');
    const [a, b] = notify.state.fake.calls.map((c) => c.claims.iat);
    expect(b! - a!).toBe(45);
    expect(notify.state.fake.calls[0]!.authorization).not.toBe(notify.state.fake.calls[1]!.authorization);
  });

  it('is refused by Notify when our clock is more than 30 s out: a technical failure of ours (AuthError)', async () => {
    const late = () => new Date(notify.state.clock.now().getTime() - 31_000);
    const result = await sender({}, late).send(sms);
    expect(result).toEqual({
      status: 'technical-failure',
      reply: '403 AuthError: Error: Your system clock must be accurate to within 30 seconds',
      failure: 'Notify AuthError',
    });
  });

  it('is refused by Notify with a key whose secret is wrong: a technical failure of ours (AuthError)', async () => {
    const wrongSecret = `${API_KEY.slice(0, -36)}aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
    const result = await sender({ NOTIFY_API_KEY: wrongSecret }).send(sms);
    expect(result.status).toBe('technical-failure');
    expect(result.failure).toBe('Notify AuthError');
    expect(result.reply).toBe('403 AuthError: Invalid token: API key not found');
    expectNoSecrets(result.reply);
    expect(result.reply).not.toContain('eeeeeeeeeeee');
  });

  it('refuses a text longer than MAX_SMS_LENGTH without asking Notify', async () => {
    const result = await sender().send({ ...sms, text: 'x'.repeat(460) });
    expect(result).toMatchObject({ status: 'technical-failure', failure: 'text too long' });
    expect(notify.state.fake.calls).toHaveLength(0);
  });
});

describe('what each of Notify’s answers means for the text', () => {
  it('400 ValidationError about the number: the number’s fault (permanent-failure)', async () => {
    const result = await sender().send({ ...sms, to: '+4477009' });
    expect(result).toEqual({
      status: 'permanent-failure',
      reply: '400 ValidationError: phone_number Not enough digits',
      failure: 'Notify ValidationError',
    });
  });

  it('400 InvalidPhoneError "Not a UK mobile number" (a landline): the number’s fault', async () => {
    const result = await sender().send({ ...sms, to: '+442920872087' });
    expect(result).toEqual({
      status: 'permanent-failure',
      reply: '400 InvalidPhoneError: Not a UK mobile number',
      failure: 'Notify InvalidPhoneError',
    });
  });

  it('400 BadRequestError for a team-only key or trial mode: ours (technical-failure), never the number’s', async () => {
    notify.state.fake.answerNext(notifyErrors.teamKey, notifyErrors.trialMode);
    const team = await sender().send(sms);
    expect(team).toEqual({
      status: 'technical-failure',
      reply: '400 BadRequestError: Can’t send to this recipient using a team-only API key',
      failure: 'Notify BadRequestError',
    });
    const trial = await sender().send(sms);
    expect(trial).toMatchObject({ status: 'technical-failure', failure: 'Notify BadRequestError' });
    expect(trial.reply).toMatch(
      /^400 BadRequestError: Can’t send to this recipient when service is in trial mode/,
    );
  });

  it('400 for a template Notify does not have, or a template without ((message)): ours', async () => {
    const missing = await sender({ NOTIFY_SMS_TEMPLATE_ID: '0b4f3a2e-6c1d-4e8f-9a7b-5c4d3e2f1a0b' }).send(
      sms,
    );
    expect(missing).toEqual({
      status: 'technical-failure',
      reply: '400 BadRequestError: Template not found',
      failure: 'Notify BadRequestError',
    });
    notify.state.fake.answerNext(() =>
      errorBody(400, { error: 'BadRequestError', message: 'Missing personalisation: message' }),
    );
    expect(await sender().send(sms)).toMatchObject({ status: 'technical-failure' });
    // A ValidationError that is not about the number (a reference too long, say) is ours too.
    const long = await sender().send({ ...sms, reference: 'r'.repeat(1001) });
    expect(long).toMatchObject({ status: 'technical-failure', failure: 'Notify ValidationError' });
  });

  it('403 AuthError: ours (technical-failure)', async () => {
    notify.state.fake.answerNext(notifyErrors.invalidToken);
    const result = await sender().send(sms);
    expect(result).toMatchObject({ status: 'technical-failure', failure: 'Notify AuthError' });
    expect(result.reply).toMatch(/^403 AuthError: Invalid token: make sure your API token matches/);
  });

  it('429 RateLimitError: try again in a minute, and our own limit holds the next text back meanwhile', async () => {
    notify.state.fake.answerNext(notifyErrors.rateLimit);
    const s = sender();
    expect(await s.send(sms)).toEqual({
      status: 'temporary-failure',
      reply: '429 RateLimitError: Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds',
      failure: 'Notify RateLimitError',
      retryAfterMs: 60_000,
    });
    const held = await s.send(sms);
    expect(held).toMatchObject({ status: 'temporary-failure', failure: 'Notify rate limit (ours)' });
    expect(held.retryAfterMs).toBeGreaterThan(0);
    expect(notify.state.fake.calls).toHaveLength(1);
    notify.state.clock.advance(held.retryAfterMs!);
    expect((await s.send(sms)).status).toBe('sending');
  });

  it('429 TooManyRequestsError (the daily limit): try again when Notify’s day ends, at 00:00 UTC', async () => {
    notify.state.fake.answerNext(() => notifyErrors.dailyLimit('sms', 250_000));
    notify.state.clock.advance(12.5 * 3600_000); // 22:30 UTC
    const result = await sender().send(sms);
    expect(result).toEqual({
      status: 'temporary-failure',
      reply: '429 TooManyRequestsError: Exceeded send limits (sms: 250000) for today',
      failure: 'Notify TooManyRequestsError',
      // 90 minutes to midnight UTC, and a minute's margin.
      retryAfterMs: 91 * 60_000,
    });
  });

  it('500 and a proxy’s 502 page: temporary (Notify 5xx)', async () => {
    notify.state.fake.answerNext(
      notifyErrors.internal,
      () => new Response('<html><body>502 Bad Gateway</body></html>', { status: 502 }),
    );
    expect(await sender().send(sms)).toEqual({
      status: 'temporary-failure',
      reply: '500 Exception: Internal server error',
      failure: 'Notify 5xx',
    });
    const bad = await sender().send(sms);
    expect(bad).toMatchObject({ status: 'temporary-failure', failure: 'Notify 5xx' });
    expect(bad.reply).toMatch(/^502 <html>/);
  });

  it('a network error or no answer within NOTIFY_TIMEOUT_MS: temporary (Notify unreachable)', async () => {
    const unreachable = await sender({ NOTIFY_BASE_URL: 'https://notify.unreachable' }).send(sms);
    expect(unreachable).toMatchObject({ status: 'temporary-failure', failure: 'Notify unreachable' });
    expect(unreachable.reply).toMatch(/^Notify unreachable: /);

    notify.server.use(
      http.post(`${NOTIFY_URL}/v2/notifications/sms`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    expect(await sender({ NOTIFY_TIMEOUT_MS: '50' }).send(sms)).toEqual({
      status: 'temporary-failure',
      reply: 'Notify unreachable: timed out',
      failure: 'Notify unreachable',
    });
  });

  it('never repeats the key, its secret or the token in a reply, even when the answer echoes them', async () => {
    notify.state.fake.answerNext(
      (request) =>
        errorBody(400, {
          error: 'BadRequestError',
          message: `you sent ${request.headers.get('authorization')} with ${SECRET}`,
        }),
      () => new Response(`upstream said ${API_KEY}`, { status: 503 }),
    );
    const echoed = await sender().send(sms);
    expect(echoed.status).toBe('technical-failure');
    expectNoSecrets(echoed.reply);
    expect(echoed.reply).toContain('[redacted]');
    const plain = await sender().send(sms);
    expectNoSecrets(plain.reply);
  });
});

describe('a malformed NOTIFY_API_KEY', () => {
  const bad = [
    'not-a-key',
    `name-${SERVICE_ID}`,
    `name-${SERVICE_ID}-not-a-uuid-at-all-but-36-characters!!`,
    `name-${SERVICE_ID}${SECRET}`,
  ];

  it('is refused when the sender is made, naming NOTIFY_API_KEY and never its value', () => {
    for (const key of bad) {
      const attempt = () =>
        notifySms({ ...notifyConfig(), NOTIFY_API_KEY: key }, log, { now: notify.state.clock.now });
      expect(attempt, key).toThrow(/NOTIFY_API_KEY/);
      try {
        attempt();
      } catch (err) {
        expect((err as Error).message).not.toContain(key);
        expect((err as Error).message).not.toContain(SERVICE_ID);
      }
    }
  });

  it('is refused at start-up by the settings, naming NOTIFY_API_KEY and never its value', () => {
    for (const key of bad) {
      const attempt = () => parseConfig({ NOTIFY_API_KEY: key });
      expect(attempt, key).toThrow(/NOTIFY_API_KEY: /);
      try {
        attempt();
      } catch (err) {
        expect((err as Error).message).not.toContain(key);
      }
    }
    // A key without a name, or with hyphens in it, is read from its end, as Notify's clients read it.
    expect(parseConfig({ NOTIFY_API_KEY: `${SERVICE_ID}-${SECRET}` }).NOTIFY_API_KEY).toBeDefined();
    expect(parseConfig({ NOTIFY_API_KEY: `my-key-${SERVICE_ID}-${SECRET}` }).NOTIFY_API_KEY).toBeDefined();
  });
});

describe('asking Notify what became of a text', () => {
  const cases: Array<[string, string]> = [
    ['created', 'sending'],
    ['sending', 'sending'],
    ['pending', 'sending'],
    ['delivered', 'delivered'],
    ['sent', 'delivered'],
    ['permanent-failure', 'permanent-failure'],
    ['temporary-failure', 'temporary-failure'],
    ['technical-failure', 'technical-failure'],
  ];

  it('maps each of Notify’s statuses onto ours, with our reference and when it finished', async () => {
    const s = sender();
    const { providerId } = await s.send(sms);
    for (const [word, status] of cases) {
      notify.state.fake.setStatus(providerId!, word);
      const receipt = await s.status!(providerId!);
      const final = !['created', 'sending', 'pending'].includes(word);
      expect(receipt, word).toEqual({
        providerId,
        reference: 'sms.0f3c9a',
        status,
        providerStatus: word,
        completedAt: final ? notify.state.clock.now() : null,
      });
    }
    const lookups = notify.state.fake.calls.filter((c) => c.method === 'GET');
    expect(lookups).toHaveLength(cases.length);
    expect(lookups[0]!.path).toBe(`/v2/notifications/${providerId}`);
    expect(lookups.every((c) => c.answered === 200)).toBe(true);
  });

  it('says null for an id Notify does not know, a status we do not know, or an id that is not one', async () => {
    const s = sender();
    expect(await s.status!('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).toBeNull();
    const { providerId } = await s.send(sms);
    notify.state.fake.setStatus(providerId!, 'cancelled');
    expect(await s.status!(providerId!)).toBeNull();
    const calls = notify.state.fake.calls.length;
    expect(await s.status!('../../v2/templates')).toBeNull();
    expect(notify.state.fake.calls).toHaveLength(calls);
  });

  it('throws when Notify cannot answer now (the caller asks again later)', async () => {
    notify.state.fake.answerNext(notifyErrors.internal);
    await expect(sender().status!('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).rejects.toThrow(
      /Notify status look-up failed: 500/,
    );
  });
});
