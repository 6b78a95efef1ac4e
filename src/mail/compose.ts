// Turns a template and its data into an outgoing message: From, Reply-To, a stable Message-ID.
// No node:* imports: runs on Node and Workers.

import type { Config } from '../config.js';
import type { OutgoingMessage } from '../ports/mailer.js';
import { assertSafeMessage } from './headers.js';
import type { MailTemplate } from './mail-template.js';
import { messageIdFor } from './message-ids.js';

export type MailConfig = Pick<Config, 'MAIL_FROM' | 'MAIL_REPLY_TO' | 'MAIL_DOMAIN' | 'PUBLIC_BASE_URL'>;

export interface ComposeOptions {
  /** A bare id (`delivery-123`, made into `<delivery-123@mail-domain>`) or a whole `<…@…>` Message-ID. */
  messageId?: string;
  headers?: Record<string, string>;
  envelopeFrom?: string;
}

const wholeMessageId = /^<[^<>\s@]+@[^<>\s@]+>$/;

/** Renders the template for one recipient into a message ready for any Mailer. */
export function composeMessage<Data>(
  config: MailConfig,
  template: MailTemplate<Data>,
  data: Data,
  to: string,
  options: ComposeOptions = {},
): OutgoingMessage {
  const given = options.messageId;
  let messageId: string;
  if (given === undefined) messageId = messageIdFor(config, crypto.randomUUID());
  else if (wholeMessageId.test(given)) messageId = given;
  else messageId = messageIdFor(config, given);

  const message: OutgoingMessage = {
    to,
    from: config.MAIL_FROM,
    subject: template.subject(data),
    text: template.text(data),
    html: template.html(data),
    messageId,
  };
  if (config.MAIL_REPLY_TO) message.replyTo = config.MAIL_REPLY_TO;
  if (options.envelopeFrom) message.envelopeFrom = options.envelopeFrom;
  if (options.headers && Object.keys(options.headers).length) message.headers = { ...options.headers };
  assertSafeMessage(message);
  return message;
}
