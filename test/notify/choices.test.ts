// Which SMS sender and which mailer each combination of settings gives, on Node and on Workers, and the
// settings' own checks.
import { describe, expect, it } from 'vitest';
import { nodeMailer } from '../../src/adapters/mailer-node.js';
import { mailSetupProblem } from '../../src/adapters/mailer-unconfigured.js';
import { smsSetupProblem } from '../../src/adapters/sms-setup.js';
import { parseConfig } from '../../src/config.js';
import { nodeSms } from '../../src/entry/node-deps.js';
import { workerMailer, workerSms } from '../../src/entry/worker-deps.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { API_KEY, NOTIFY_URL } from './fake-notify.js';
import { notifySettings } from './support.js';

const log = memoryLogger('silent');
const noFetch: typeof fetch = async () => {
  throw new Error('no request expected');
};
const {
  NOTIFY_API_KEY: _key,
  NOTIFY_SMS_TEMPLATE_ID: _sms,
  NOTIFY_EMAIL_TEMPLATE_ID: _email,
  ...base
} = notifySettings;
const config = (settings: Record<string, string>) => parseConfig({ ...base, ...settings });
const key = { NOTIFY_API_KEY: API_KEY };
const smsTemplate = { NOTIFY_SMS_TEMPLATE_ID: notifySettings.NOTIFY_SMS_TEMPLATE_ID };
const emailTemplate = { NOTIFY_EMAIL_TEMPLATE_ID: notifySettings.NOTIFY_EMAIL_TEMPLATE_ID };

describe('the SMS sender on Node', () => {
  const cases: Array<[string, Record<string, string>, string, string[]?]> = [
    ['nothing set: the outbox folder', {}, 'outbox'],
    ['a key and a template: Notify', { ...key, ...smsTemplate }, 'notify'],
    ['SMS_PROVIDER=notify with both: Notify', { SMS_PROVIDER: 'notify', ...key, ...smsTemplate }, 'notify'],
    [
      'SMS_PROVIDER=outbox, even with a key: the outbox',
      { SMS_PROVIDER: 'outbox', ...key, ...smsTemplate },
      'outbox',
    ],
    ['a key without a template: none, naming it', key, 'none', ['NOTIFY_SMS_TEMPLATE_ID']],
    [
      'SMS_PROVIDER=notify without a key: none, naming both',
      { SMS_PROVIDER: 'notify' },
      'none',
      ['NOTIFY_API_KEY', 'NOTIFY_SMS_TEMPLATE_ID'],
    ],
  ];
  for (const [what, settings, provider, missing] of cases)
    it(what, () => {
      const sender = nodeSms(config(settings), log, { fetch: noFetch });
      expect(sender.provider).toBe(provider);
      expect(sender.unavailable?.missing).toEqual(missing);
      if (provider === 'notify') expect((sender as { endpoint?: string }).endpoint).toBe(NOTIFY_URL);
    });
});

describe('the SMS sender on Workers', () => {
  it('is Notify when configured', () => {
    const sender = workerSms(config({ ...key, ...smsTemplate }), log, noFetch);
    expect(sender.provider).toBe('notify');
    expect(sender.unavailable).toBeUndefined();
  });

  it('without the key, is unavailable and names NOTIFY_API_KEY, and refuses to send as a failure of ours', async () => {
    const sender = workerSms(config(smsTemplate), log, noFetch);
    expect(sender.unavailable).toEqual({
      reason: 'GOV.UK Notify needs NOTIFY_API_KEY, which is not set',
      missing: ['NOTIFY_API_KEY'],
    });
    expect(await sender.send({ to: '+447700900123', text: 'x', reference: 'r' })).toMatchObject({
      status: 'technical-failure',
    });
    expect(workerSms(config({}), log, noFetch).unavailable?.missing).toEqual([
      'NOTIFY_API_KEY',
      'NOTIFY_SMS_TEMPLATE_ID',
    ]);
  });

  it('refuses the outbox (no files on Workers)', () => {
    expect(smsSetupProblem(config({ SMS_PROVIDER: 'outbox' }), 'workers')?.missing).toEqual(['SMS_PROVIDER']);
    expect(smsSetupProblem(config({ SMS_PROVIDER: 'outbox' }), 'node')).toBeNull();
  });
});

describe('the mailer with MAIL_PROVIDER=notify', () => {
  it('is the Notify mailer on Node and on Workers when the key and the email template are set', () => {
    const c = config({ MAIL_PROVIDER: 'notify', ...key, ...emailTemplate });
    for (const mailer of [nodeMailer(c, log), workerMailer(c, log, noFetch)]) {
      expect(mailer.unavailable).toBeUndefined();
      expect((mailer as { endpoint?: string }).endpoint).toBe(NOTIFY_URL);
    }
  });

  it('names what is missing otherwise', () => {
    expect(mailSetupProblem(config({ MAIL_PROVIDER: 'notify', ...key }), 'workers')).toEqual({
      reason: 'GOV.UK Notify needs NOTIFY_EMAIL_TEMPLATE_ID, which is not set',
      missing: ['NOTIFY_EMAIL_TEMPLATE_ID'],
    });
    const none = workerMailer(config({ MAIL_PROVIDER: 'notify' }), log, noFetch);
    expect(none.unavailable?.missing).toEqual(['NOTIFY_API_KEY', 'NOTIFY_EMAIL_TEMPLATE_ID']);
    expect(
      nodeMailer(config({ MAIL_PROVIDER: 'notify', ...emailTemplate }), log).unavailable?.missing,
    ).toEqual(['NOTIFY_API_KEY']);
  });

  it('leaves the other providers as they were: SES on Workers, and no SMTP there', () => {
    expect(
      mailSetupProblem(config({ MAIL_PROVIDER: 'smtp', SMTP_URL: 'smtp://relay.example:587' }), 'workers'),
    ).toMatchObject({ missing: ['MAIL_PROVIDER'] });
    expect(mailSetupProblem(config({}), 'workers')?.missing).toEqual([
      'SES_REGION',
      'SES_ACCESS_KEY_ID',
      'SES_SECRET_ACCESS_KEY',
    ]);
  });
});

describe('the Notify settings', () => {
  it('have their defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      NOTIFY_BASE_URL: 'https://api.notifications.service.gov.uk',
      NOTIFY_TIMEOUT_MS: 15_000,
      NOTIFY_RATE_PER_MINUTE: 3000,
    });
    expect(c.NOTIFY_API_KEY).toBeUndefined();
    expect(c.SMS_PROVIDER).toBeUndefined();
  });

  it('refuse template ids that are not UUIDs, and an unknown SMS provider', () => {
    expect(() => parseConfig({ NOTIFY_SMS_TEMPLATE_ID: 'template-1' })).toThrow(/NOTIFY_SMS_TEMPLATE_ID/);
    expect(() => parseConfig({ NOTIFY_EMAIL_TEMPLATE_ID: 'template-1' })).toThrow(/NOTIFY_EMAIL_TEMPLATE_ID/);
    expect(() => parseConfig({ SMS_PROVIDER: 'twilio' })).toThrow(/SMS_PROVIDER/);
  });

  it('count MAIL_PROVIDER=notify as real mail, which needs a real mail domain', () => {
    expect(() =>
      parseConfig({
        MAIL_PROVIDER: 'notify',
        PUBLIC_BASE_URL: 'http://localhost:8787',
        ...key,
        ...emailTemplate,
      }),
    ).toThrow(/PUBLIC_BASE_URL: the mail domain "localhost" is localhost/);
  });
});
