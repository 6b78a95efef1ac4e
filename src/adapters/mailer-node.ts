// Chooses the Node mailer: SMTP when SMTP_URL is set, otherwise the outbox folder.
import type { Config } from '../config.js';
import type { Logger } from '../ports/logger.js';
import type { Mailer } from '../ports/mailer.js';
import { outboxMailer } from './mailer-outbox.js';
import { describeSmtpUrl, smtpMailer } from './mailer-smtp.js';

export function nodeMailer(config: Config, log: Logger): Mailer {
  if (config.SMTP_URL) {
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
