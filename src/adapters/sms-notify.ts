// The SMS sender through GOV.UK Notify: `POST /v2/notifications/sms` with one template whose whole body is
// `((message))`, our text as its `message`, and our id as Notify's `reference` (its receipts and look-ups
// name it). Notify answers 201 when it has taken the text: `sending` until a delivery receipt
// (src/adapters/notify-receipts.ts) or a status look-up (`status`) says what became of it. The failures
// are mapped by whose fault they are in src/adapters/notify-client.ts.
//
// Notify may put the service's name in front of every text ("Start text messages with service name" in
// its settings): turn that off, or leave room for it under MAX_SMS_LENGTH.

import type { Config } from '../config.js';
import { uuid } from '../lib/notify-key.js';
import type { Logger } from '../ports/logger.js';
import { MAX_SMS_LENGTH, type SmsReceipt, type SmsSender } from '../ports/sms.js';
import { type NotifyClientOptions, notifyClientOf, notifyStatus, notifyTime } from './notify-client.js';
import { parseNotifyReceipt } from './notify-receipts.js';

export type NotifySmsConfig = Pick<
  Config,
  | 'NOTIFY_API_KEY'
  | 'NOTIFY_BASE_URL'
  | 'NOTIFY_SMS_TEMPLATE_ID'
  | 'NOTIFY_TIMEOUT_MS'
  | 'NOTIFY_RATE_PER_MINUTE'
>;

/** Outbound HTTP, the clock and a rate limit shared with the other Notify adapter of the same key. */
export type NotifySmsOptions = NotifyClientOptions;

export function notifySms(config: NotifySmsConfig, log: Logger, options: NotifySmsOptions = {}) {
  const { NOTIFY_API_KEY: apiKey, NOTIFY_SMS_TEMPLATE_ID: templateId } = config;
  if (!apiKey || !templateId)
    throw new Error('The Notify SMS sender needs NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID.');
  const client = notifyClientOf(config, apiKey, options);

  const sender: SmsSender = {
    provider: 'notify',
    async send(sms) {
      if (sms.text.length > MAX_SMS_LENGTH)
        return {
          status: 'technical-failure',
          reply: `the text is ${sms.text.length} characters; at most ${MAX_SMS_LENGTH} go in one message (and Notify's "start text messages with service name" adds more)`,
          failure: 'text too long',
        };
      const answer = await client.send(
        '/v2/notifications/sms',
        {
          phone_number: sms.to,
          template_id: templateId,
          personalisation: { message: sms.text },
          reference: sms.reference,
        },
        'phone_number',
      );
      if (!answer.ok) {
        log.debug('notify refused a text', { reference: sms.reference, reply: answer.reply });
        const { status, reply, failure, retryAfterMs } = answer;
        return { status, reply, failure, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      }
      const id = typeof answer.body.id === 'string' && uuid.test(answer.body.id) ? answer.body.id : null;
      return {
        status: 'sending',
        ...(id ? { providerId: id } : {}),
        reply: `${answer.httpStatus} created by Notify: notification ${id ?? '(no id given)'}`,
      };
    },
    /**
     * `GET /v2/notifications/{id}`: null when Notify does not know the id (it keeps notifications 7 days by
     * default) or says a status we do not know; throws when Notify cannot be asked now (try again later).
     */
    async status(providerId) {
      if (!uuid.test(providerId)) return null;
      const answer = await client.get(`/v2/notifications/${providerId}`);
      if (!answer.ok) {
        if (answer.httpStatus === 404 || answer.httpStatus === 400) return null;
        throw new Error(`Notify status look-up failed: ${answer.reply}`);
      }
      const { body } = answer;
      const word = typeof body.status === 'string' ? body.status : '';
      const status = notifyStatus(word);
      if (!status) return null;
      const receipt: SmsReceipt = {
        providerId,
        reference: typeof body.reference === 'string' ? body.reference : null,
        status,
        providerStatus: word,
        completedAt: notifyTime(body.completed_at),
      };
      return receipt;
    },
    readReceipt(body) {
      const receipt = parseNotifyReceipt(body);
      if (!receipt) return { kind: 'invalid', reason: 'not a GOV.UK Notify delivery receipt' };
      const { type, to, ...rest } = receipt;
      return { kind: 'receipt', channel: type, receipt: rest, to };
    },
    async close() {},
  };
  return Object.assign(sender, { endpoint: client.baseUrl, serviceId: client.serviceId });
}
