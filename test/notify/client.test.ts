// The Notify client's pure parts: reading a key, what each error answer means, Notify's times and its day.
import { describe, expect, it } from 'vitest';
import {
  classifyNotifyError,
  notifyErrors,
  notifyTime,
  parseNotifyApiKey,
  untilNotifyDayEnds,
} from '../../src/adapters/notify-client.js';
import { SECRET, SERVICE_ID } from './fake-notify.js';

const at = new Date('2026-05-06T10:00:00Z');
const e = (error: string, message: string) => [{ error, message }];

describe('a Notify API key', () => {
  it('is read from its end: the service id and the secret are the last 2×36 characters', () => {
    expect(parseNotifyApiKey(`my-live-key-${SERVICE_ID}-${SECRET}`)).toEqual({
      keyName: 'my-live-key',
      serviceId: SERVICE_ID,
      secret: SECRET,
    });
    expect(parseNotifyApiKey(` ${SERVICE_ID}-${SECRET}\n`)).toMatchObject({ keyName: '', secret: SECRET });
  });
});

describe('what an error answer means', () => {
  const cases: Array<[number, ReturnType<typeof e>, 'sms' | 'email', string, string]> = [
    [
      400,
      e('ValidationError', 'phone_number Too many digits'),
      'sms',
      'permanent-failure',
      'Notify ValidationError',
    ],
    [
      400,
      e('InvalidPhoneError', 'Not a UK mobile number'),
      'sms',
      'permanent-failure',
      'Notify InvalidPhoneError',
    ],
    [
      400,
      e('ValidationError', 'email_address Not a valid email address'),
      'email',
      'permanent-failure',
      'Notify ValidationError',
    ],
    [
      400,
      e('InvalidEmailError', 'Not a valid email address'),
      'email',
      'permanent-failure',
      'Notify InvalidEmailError',
    ],
    // About the other recipient field, or not about the recipient at all: ours.
    // International texts are a permission of our Notify service, not a fault of the number.
    [
      400,
      e('BadRequestError', 'Cannot send to international mobile numbers'),
      'sms',
      'technical-failure',
      'Notify BadRequestError',
    ],
    [
      400,
      e('ValidationError', 'phone_number Not enough digits'),
      'email',
      'technical-failure',
      'Notify ValidationError',
    ],
    [
      400,
      e('ValidationError', 'template_id is not a valid UUID'),
      'sms',
      'technical-failure',
      'Notify ValidationError',
    ],
    [
      400,
      e('BadRequestError', 'Service is not allowed to send text messages'),
      'sms',
      'technical-failure',
      'Notify BadRequestError',
    ],
    [
      400,
      [
        ...e('ValidationError', 'phone_number Not enough digits'),
        ...e('ValidationError', 'template_id is a required property'),
      ],
      'sms',
      'technical-failure',
      'Notify ValidationError',
    ],
    [400, [], 'sms', 'technical-failure', 'Notify HTTP 400'],
    [
      401,
      e('AuthError', 'Unauthorized: authentication token must be provided'),
      'sms',
      'technical-failure',
      'Notify AuthError',
    ],
    [403, e('AuthError', 'Invalid token: API key revoked'), 'sms', 'technical-failure', 'Notify AuthError'],
    [404, e('NotFound', 'Not found'), 'sms', 'technical-failure', 'Notify NotFound'],
    [
      429,
      e('RateLimitError', 'Exceeded rate limit for key type TEAM of 3000 requests per 60 seconds'),
      'sms',
      'temporary-failure',
      'Notify RateLimitError',
    ],
    [
      429,
      e('TooManyRequestsError', 'Exceeded send limits (email: 250000) for today'),
      'email',
      'temporary-failure',
      'Notify TooManyRequestsError',
    ],
    [500, e('Exception', 'Internal server error'), 'sms', 'temporary-failure', 'Notify 5xx'],
    [504, e('EventletTimeout', 'Timeout serving request'), 'sms', 'temporary-failure', 'Notify 5xx'],
    [
      400,
      e('ValidationError', 'phone_number is a required property'),
      'sms',
      'technical-failure',
      'Notify ValidationError',
    ],
    [
      400,
      e('ValidationError', 'email_address None is not of type string'),
      'email',
      'technical-failure',
      'Notify ValidationError',
    ],
  ];
  for (const [status, errors, type, expected, failure] of cases)
    it(`${status} ${errors.map((x) => x.message).join(' + ') || '(no body)'} (${type}): ${expected}`, () => {
      const field = type === 'sms' ? 'phone_number' : 'email_address';
      expect(classifyNotifyError(status, errors, field, at)).toMatchObject({ status: expected, failure });
    });

  it('reads Notify’s error body, and nothing from a body that is not one', () => {
    expect(notifyErrors({ status_code: 400, errors: [{ error: 'ValidationError', message: 'x' }] })).toEqual([
      { error: 'ValidationError', message: 'x' },
    ]);
    for (const body of [undefined, null, '<html>', {}, { errors: 'x' }, { errors: [{ message: 'x' }] }])
      expect(notifyErrors(body)).toEqual([]);
  });
});

describe('Notify’s times and days', () => {
  it('reads its times (microseconds, UTC) and refuses what is not one', () => {
    expect(notifyTime('2026-05-06T10:00:07.123456Z')).toEqual(new Date('2026-05-06T10:00:07.123Z'));
    expect(notifyTime('2026-05-06T10:00:07.123456')).toEqual(new Date('2026-05-06T10:00:07.123Z'));
    for (const v of [null, undefined, '', 'yesterday', 12]) expect(notifyTime(v)).toBeNull();
  });

  it('ends its day at 00:00 UTC (its daily limits count per UTC date), whatever the UK clock says', () => {
    expect(untilNotifyDayEnds(new Date('2026-05-06T23:59:00Z'))).toBe(2 * 60_000);
    expect(untilNotifyDayEnds(new Date('2026-12-31T00:00:00Z'))).toBe(24 * 3600_000 + 60_000);
  });
});
