// The embedded default SMS sender: each text becomes a small JSON file in SMS_OUTBOX_DIR (beside the mail
// outbox), so nothing is lost and a developer can read what would have gone to a phone. It says `delivered`
// at once: there is no network to wait for.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../ports/logger.js';
import { MAX_SMS_LENGTH, type SmsSender } from '../ports/sms.js';

export function outboxSms(dirSetting: string, log: Logger, now: () => Date = () => new Date()) {
  const dir = resolve(dirSetting);
  let ready: Promise<unknown> | undefined;
  const sender: SmsSender = {
    provider: 'outbox',
    async send(sms) {
      if (!/^\+[1-9]\d{6,14}$/.test(sms.to))
        return {
          status: 'permanent-failure',
          reply: `not a phone number: ${sms.to}`,
          failure: 'invalid number',
        };
      if (sms.text.length > MAX_SMS_LENGTH)
        return { status: 'technical-failure', reply: 'text too long', failure: 'text too long' };
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const at = now();
      const id = randomBytes(6).toString('hex');
      const name = `${at.toISOString().replace(/:/g, '-')}-${id}.json`;
      const body = `${JSON.stringify({ to: sms.to, reference: sms.reference, at: at.toISOString(), text: sms.text }, null, 2)}\n`;
      await writeFile(join(dir, `.${name}.tmp`), body, { mode: 0o600 });
      await rename(join(dir, `.${name}.tmp`), join(dir, name));
      log.debug('SMS written to the outbox', { file: name });
      return { status: 'delivered', providerId: `outbox-${id}`, reply: `written to ${name}` };
    },
    async close() {},
  };
  return Object.assign(sender, { dir });
}
