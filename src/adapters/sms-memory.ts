// An in-memory SMS sender for tests: keeps every message; a test can make chosen numbers fail.
import { MAX_SMS_LENGTH, type OutgoingSms, type SmsResult, type SmsSender } from '../ports/sms.js';

export function memorySms(outcome: (sms: OutgoingSms) => Partial<SmsResult> | undefined = () => undefined) {
  const sent: OutgoingSms[] = [];
  let n = 0;
  const sender: SmsSender = {
    provider: 'memory',
    async send(sms) {
      if (sms.text.length > MAX_SMS_LENGTH)
        throw new Error(`SMS of ${sms.text.length} characters is too long`);
      const override = outcome(sms);
      if (!override || override.status === 'sending' || override.status === 'delivered') sent.push(sms);
      n += 1;
      return { status: 'sending', providerId: `memory-${n}`, reply: '201 accepted (memory)', ...override };
    },
    async close() {},
  };
  return Object.assign(sender, { sent, to: (number: string) => sent.filter((s) => s.to === number) });
}
