// Which SMS sender the settings ask for, and what it still needs. Node: GOV.UK Notify when SMS_PROVIDER=notify
// or NOTIFY_API_KEY is set (unless SMS_PROVIDER=outbox), else the outbox folder. Workers: only Notify (no
// files there). A sender without its settings is `unconfiguredSms` naming what is missing: the service
// runs, and refuses what needs SMS.
import type { Config } from '../config.js';
import type { SmsUnavailable } from '../ports/sms.js';

export type SmsProvider = 'notify' | 'outbox';

export function smsProvider(config: Config, runtime: 'node' | 'workers'): SmsProvider {
  if (config.SMS_PROVIDER) return config.SMS_PROVIDER;
  return runtime === 'workers' || config.NOTIFY_API_KEY ? 'notify' : 'outbox';
}

/** What the chosen SMS provider still needs, or null when it has what it needs to try. */
export function smsSetupProblem(config: Config, runtime: 'node' | 'workers'): SmsUnavailable | null {
  const provider = smsProvider(config, runtime);
  if (provider === 'outbox') {
    if (runtime === 'workers')
      return {
        reason: 'SMS_PROVIDER=outbox cannot run on Workers (no files): use notify',
        missing: ['SMS_PROVIDER'],
      };
    return null;
  }
  const missing = (['NOTIFY_API_KEY', 'NOTIFY_SMS_TEMPLATE_ID'] as const).filter((name) => !config[name]);
  if (missing.length)
    return {
      reason: `GOV.UK Notify needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not set`,
      missing: [...missing],
    };
  return null;
}
