// An in-memory mailer for tests: keeps every message; a test can make chosen recipients fail.

import { assertSafeMessage } from '../mail/headers.js';
import type { Mailer, OutgoingMessage, SendResult } from '../ports/mailer.js';

export function memoryMailer(
  outcome: (m: OutgoingMessage) => Partial<SendResult> | undefined = () => undefined,
) {
  const sent: OutgoingMessage[] = [];
  const mailer: Mailer = {
    async send(message) {
      assertSafeMessage(message);
      const override = outcome(message);
      if (!override || override.status === 'delivered') sent.push(message);
      return {
        status: 'delivered',
        messageId: message.messageId,
        reply: '250 accepted (memory)',
        ...override,
      };
    },
    async close() {},
  };
  return Object.assign(mailer, { sent, to: (address: string) => sent.filter((m) => m.to === address) });
}
