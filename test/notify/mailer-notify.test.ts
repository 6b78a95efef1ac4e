// The Notify mailer (MAIL_PROVIDER=notify) against the fake Notify: the request it makes and what each
// answer means for the delivery.
import { describe, expect, it } from 'vitest';
import { notifyMailer } from '../../src/adapters/mailer-notify.js';
import { AppError } from '../../src/errors.js';
import { memoryLogger } from '../../src/ports/logger.js';
import type { OutgoingMessage } from '../../src/ports/mailer.js';
import { EMAIL_TEMPLATE, notifyErrors, REPLY_TO, SECRET, SERVICE_ID } from './fake-notify.js';
import { decodeJwt, notifyConfig, useFakeNotify } from './support.js';

const notify = useFakeNotify();
const log = memoryLogger('silent');

const message: OutgoingMessage = {
  to: 'Cardiff SOC <cyber@cardiff.gov.uk>',
  subject: 'TLP:GREEN NCSC-2026-0042 — advisory',
  text: 'Hello.\n\nAcknowledge: https://cyber-contacts.example/ack/abc',
  html: '<p>Hello.</p>',
  messageId: '<delivery.d1@cyber-contacts.example>',
  envelopeFrom: 'bounces+d1@cyber-contacts.example',
  headers: { 'X-TLP': 'GREEN' },
};

const mailer = (extra: Record<string, string> = {}) =>
  notifyMailer(notifyConfig(extra), log, { now: () => notify.state.clock.now() });

describe('sending mail through Notify', () => {
  it('posts the address, the template, subject and text as personalisation, and our Message-ID as reference', async () => {
    const result = await mailer().send(message);
    const [call] = notify.state.fake.calls;
    expect(call).toMatchObject({ method: 'POST', path: '/v2/notifications/email', answered: 201 });
    expect(call!.body).toEqual({
      email_address: 'cyber@cardiff.gov.uk',
      template_id: EMAIL_TEMPLATE,
      personalisation: { subject: message.subject, body: message.text },
      reference: '<delivery.d1@cyber-contacts.example>',
    });
    const jwt = decodeJwt(call!.authorization.replace(/^Bearer /, ''));
    expect(jwt).toMatchObject({ header: { alg: 'HS256' }, claims: { iss: SERVICE_ID }, signed: true });
    const [id] = [...notify.state.fake.notifications.keys()];
    // Accepted: the mail port's `delivered`. Notify's message goes out with a Message-ID we never learn, so
    // there is no deliveredMessageId.
    expect(result).toEqual({
      status: 'delivered',
      messageId: message.messageId,
      reply: `201 accepted by Notify: notification ${id}`,
    });
  });

  it('names the reply-to address set up in Notify when NOTIFY_EMAIL_REPLY_TO_ID is set', async () => {
    await mailer({ NOTIFY_EMAIL_REPLY_TO_ID: REPLY_TO }).send(message);
    expect(notify.state.fake.calls[0]!.body).toMatchObject({ email_reply_to_id: REPLY_TO });
    const unknown = await mailer({ NOTIFY_EMAIL_REPLY_TO_ID: '1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b' }).send(
      message,
    );
    expect(unknown).toMatchObject({ status: 'technical-failure', failure: 'Notify BadRequestError' });
  });

  it('refuses a message with a header injection before anything is sent, as every adapter does', async () => {
    await expect(mailer().send({ ...message, subject: 'Hi\r\nBcc: x@example.com' })).rejects.toThrow(
      AppError,
    );
    expect(notify.state.fake.calls).toHaveLength(0);
  });

  it('refuses to start without the key and the template', () => {
    expect(() => notifyMailer({ ...notifyConfig(), NOTIFY_EMAIL_TEMPLATE_ID: undefined }, log)).toThrow(
      /NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID/,
    );
  });
});

describe('what each of Notify’s answers means for the message', () => {
  it('an address Notify calls invalid: the address’s fault (permanent-failure)', async () => {
    const result = await mailer().send({ ...message, to: 'cyber@cardiff' });
    expect(result).toEqual({
      status: 'permanent-failure',
      messageId: message.messageId,
      reply: '400 ValidationError: email_address Not a valid email address',
      failure: 'Notify ValidationError',
    });
  });

  it('a team-only key, a wrong template, an auth error: ours (technical-failure)', async () => {
    notify.state.fake.answerNext(notifyErrors.teamKey, notifyErrors.invalidToken);
    expect(await mailer().send(message)).toMatchObject({
      status: 'technical-failure',
      failure: 'Notify BadRequestError',
    });
    expect(await mailer().send(message)).toMatchObject({
      status: 'technical-failure',
      failure: 'Notify AuthError',
    });
    // The SMS template is a text message template: Notify refuses it for an email.
    const wrong = await mailer({ NOTIFY_EMAIL_TEMPLATE_ID: 'f33517ff-2a88-4f6e-b855-c550268ce08a' }).send(
      message,
    );
    expect(wrong).toMatchObject({
      status: 'technical-failure',
      reply: '400 BadRequestError: sms template is not suitable for email notification',
    });
  });

  it('429 and 5xx: temporary (retried by the fan-out)', async () => {
    notify.state.fake.answerNext(
      notifyErrors.rateLimit,
      () => notifyErrors.dailyLimit('email'),
      notifyErrors.internal,
    );
    const m = mailer();
    expect(await m.send(message)).toMatchObject({
      status: 'temporary-failure',
      failure: 'Notify RateLimitError',
    });
    notify.state.clock.advance(60_000);
    expect(await m.send(message)).toMatchObject({
      status: 'temporary-failure',
      failure: 'Notify TooManyRequestsError',
    });
    expect(await m.send(message)).toMatchObject({ status: 'temporary-failure', failure: 'Notify 5xx' });
    for (const c of notify.state.fake.calls) expect(c.body?.reference).toBe(message.messageId);
  });

  it('never puts the secret in a reply', async () => {
    notify.state.fake.answerNext(() => new Response(`bad key ${SECRET}`, { status: 400 }));
    const result = await mailer().send(message);
    expect(result.status).toBe('technical-failure');
    expect(result.reply).not.toContain(SECRET);
  });
});
