// The mailer of a service started without working mail settings (no SES secrets yet, say). The service
// runs degraded rather than down: pages, the API, /healthz and /readyz answer; anything that would queue
// mail is refused up front (features/outbound/mail-available.ts), and a message that was queued before
// fails here as a technical failure of ours, which pauses sending until the settings are fixed. A
// recipient is never blamed for it.
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer, MailUnavailable } from '../ports/mailer.js';

/** What the chosen mail provider still needs, or null when it has what it needs to try. */
export function mailSetupProblem(config: Config, runtime: 'node' | 'workers'): MailUnavailable | null {
  const provider =
    config.MAIL_PROVIDER ?? (runtime === 'workers' ? 'ses' : config.SMTP_URL ? 'smtp' : 'outbox');
  if (runtime === 'workers' && provider !== 'ses' && provider !== 'notify')
    return {
      reason: `MAIL_PROVIDER=${provider} cannot run on Workers (no SMTP, no files): use ses or notify`,
      missing: ['MAIL_PROVIDER'],
    };
  if (provider === 'smtp' && !config.SMTP_URL)
    return { reason: 'MAIL_PROVIDER=smtp needs SMTP_URL, which is not set', missing: ['SMTP_URL'] };
  if (provider === 'ses') {
    const missing = (['SES_REGION', 'SES_ACCESS_KEY_ID', 'SES_SECRET_ACCESS_KEY'] as const).filter(
      (name) => !config[name],
    );
    if (missing.length)
      return {
        reason: `Amazon SES needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set`,
        missing: [...missing],
      };
  }
  if (provider === 'notify') {
    const missing = (['NOTIFY_API_KEY', 'NOTIFY_EMAIL_TEMPLATE_ID'] as const).filter((name) => !config[name]);
    if (missing.length)
      return {
        reason: `GOV.UK Notify needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set`,
        missing: [...missing],
      };
  }
  return null;
}

export function unconfiguredMailer(problem: MailUnavailable, log: Logger): Mailer {
  log.warn('mail cannot be sent: the service runs without it, and refuses what needs mail', {
    reason: problem.reason,
    missing: problem.missing,
  });
  return {
    unavailable: problem,
    async send(message) {
      return {
        status: 'technical-failure',
        messageId: message.messageId,
        reply: `mail is not configured: ${problem.reason}`,
        command: 'config',
        failure: 'mail not configured',
      };
    },
    async close() {},
  };
}
