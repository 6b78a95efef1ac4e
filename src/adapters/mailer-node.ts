// Chooses the Node mailer: MAIL_PROVIDER when set (smtp, ses, notify, outbox); else SMTP when SMTP_URL is set,
// otherwise the outbox folder. A provider without its settings gives a mailer that refuses (the service runs
// degraded).
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import { notifyMailer } from './mailer-notify.js';
import { outboxMailer } from './mailer-outbox.js';
import { sesMailer } from './mailer-ses.js';
import { describeSmtpUrl, smtpMailer } from './mailer-smtp.js';
import { mailSetupProblem, unconfiguredMailer } from './mailer-unconfigured.js';
import type { NotifyRateLimit } from './notify-client.js';

export interface NodeMailerOptions {
  /** Notify's rate limit, shared with the Notify SMS sender (one key, one limit). */
  notifyRateLimit?: NotifyRateLimit;
}

export function nodeMailer(config: Config, log: Logger, options: NodeMailerOptions = {}): Mailer {
  const problem = mailSetupProblem(config, 'node');
  if (problem) return unconfiguredMailer(problem, log);
  if (config.MAIL_PROVIDER === 'notify') {
    log.info('mail goes out through GOV.UK Notify', { template: config.NOTIFY_EMAIL_TEMPLATE_ID });
    return notifyMailer(config, log, { rateLimit: options.notifyRateLimit });
  }
  if (config.MAIL_PROVIDER === 'ses') {
    log.info('mail goes out through Amazon SES', { region: config.SES_REGION });
    return sesMailer(config, log);
  }
  if (config.SMTP_URL && config.MAIL_PROVIDER !== 'outbox') {
    const mailer = smtpMailer(config, log);
    log.info('mail goes out by SMTP', {
      smtp: describeSmtpUrl(config.SMTP_URL),
      connections: config.SMTP_POOL_CONNECTIONS,
      ratePerSecond: config.SMTP_RATE_PER_SECOND || undefined,
      dkim: Boolean(config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY),
    });
    return mailer;
  }
  const mailer = outboxMailer(config, log);
  log.info('mail is written to the outbox folder (SMTP_URL is not set)', { outbox: mailer.dir });
  return mailer;
}
