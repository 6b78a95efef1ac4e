// The mail adapter over GOV.UK Notify's email API (MAIL_PROVIDER=notify), a third provider beside SMTP and
// Amazon SES: `POST /v2/notifications/email` with one template whose subject is `((subject))` and whose
// body is `((body))` (NOTIFY_EMAIL_TEMPLATE_ID), our subject and text part as those, and our Message-ID as
// Notify's `reference`. Web Crypto and fetch only: it runs on Node and Workers alike.
//
// What Notify cannot carry, by its design (it builds and sends the message itself, through Amazon SES):
// - our Message-ID: the recipient sees the one SES gives Notify's message, which Notify's API never tells
//   us, so `deliveredMessageId` stays absent and updates cannot thread on it (our Message-ID is the
//   `reference`, so receipts and look-ups name it);
// - the VERP envelope sender: bounces go to Notify, which reports them as delivery receipts
//   (`permanent-failure` / `temporary-failure` of an email, parsed by src/adapters/notify-receipts.ts,
//   naming our Message-ID as their reference), not as mail to bounces+…@MAIL_DOMAIN;
// - custom headers (X-TLP, In-Reply-To, References, Auto-Submitted, List-Id …), our From (Notify sends
//   from the service's own address at notifications.service.gov.uk) and a free Reply-To (only a reply-to
//   address set up in Notify, by its id: NOTIFY_EMAIL_REPLY_TO_ID);
// - the HTML part: Notify renders the text part in its own GOV.UK layout, and formats it as its own
//   markdown-like syntax (`#` headings, `*` bullets, bare links made clickable).
// The message is still checked as every adapter checks it (no control characters where a header would
// be): a refused message is never sent.
//
// 201 means Notify took the message: `delivered` in the mail port's sense ("the server accepted it"), as
// SMTP's 250 and SES's 200 do. The failures are mapped in src/adapters/notify-client.ts.
import type { Config } from '../config.js';
import { assertSafeMessage } from '../mail/headers.js';
import { bareAddress } from '../mail/mime.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer, OutgoingMessage, SendResult } from '../ports/mailer.js';
import { type NotifyClientOptions, notifyClientOf } from './notify-client.js';

export type NotifyMailerConfig = Pick<
  Config,
  | 'NOTIFY_API_KEY'
  | 'NOTIFY_BASE_URL'
  | 'NOTIFY_EMAIL_TEMPLATE_ID'
  | 'NOTIFY_EMAIL_REPLY_TO_ID'
  | 'NOTIFY_TIMEOUT_MS'
  | 'NOTIFY_RATE_PER_MINUTE'
>;

/** Outbound HTTP, the clock and a rate limit shared with the other Notify adapter of the same key. */
export type NotifyMailerOptions = NotifyClientOptions;

export function notifyMailer(config: NotifyMailerConfig, log: Logger, options: NotifyMailerOptions = {}) {
  const { NOTIFY_API_KEY: apiKey, NOTIFY_EMAIL_TEMPLATE_ID: templateId } = config;
  if (!apiKey || !templateId)
    throw new Error('The Notify mailer needs NOTIFY_API_KEY and NOTIFY_EMAIL_TEMPLATE_ID.');
  const client = notifyClientOf(config, apiKey, options);

  async function send(message: OutgoingMessage): Promise<SendResult> {
    // Validation throws, as in every adapter: a refused message is never sent.
    assertSafeMessage(message);
    const payload: Record<string, unknown> = {
      email_address: bareAddress(message.to),
      template_id: templateId,
      personalisation: { subject: message.subject, body: message.text },
      reference: message.messageId,
    };
    if (config.NOTIFY_EMAIL_REPLY_TO_ID) payload.email_reply_to_id = config.NOTIFY_EMAIL_REPLY_TO_ID;
    const answer = await client.send('/v2/notifications/email', payload, 'email_address');
    if (!answer.ok) {
      log.debug('notify refused a message', { messageId: message.messageId, reply: answer.reply });
      return {
        status: answer.status,
        messageId: message.messageId,
        reply: answer.reply,
        failure: answer.failure,
      };
    }
    const id = typeof answer.body.id === 'string' ? answer.body.id.slice(0, 64) : '(no id given)';
    return {
      status: 'delivered',
      messageId: message.messageId,
      reply: `${answer.httpStatus} accepted by Notify: notification ${id}`,
    };
  }

  const mailer: Mailer = { send, async close() {} };
  return Object.assign(mailer, { endpoint: client.baseUrl });
}
