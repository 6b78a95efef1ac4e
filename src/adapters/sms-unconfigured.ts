// The SMS sender of a service without SMS settings: everything else runs; adding a mobile number and
// every heads-up are refused or held (a technical failure of ours, never the council's).
import type { Logger } from '../ports/logger.js';
import type { SmsSender, SmsUnavailable } from '../ports/sms.js';

export function unconfiguredSms(problem: SmsUnavailable, log: Logger): SmsSender {
  log.warn('SMS cannot be sent: the service runs without it', {
    reason: problem.reason,
    missing: problem.missing,
  });
  return {
    provider: 'none',
    unavailable: problem,
    async send() {
      return {
        status: 'technical-failure',
        reply: `SMS is not configured: ${problem.reason}`,
        failure: 'SMS not configured',
      };
    },
    async close() {},
  };
}
