// What confirming a mailbox (first time, re-confirmation, or an admin vouching) does to its reachability:
// the next re-confirmation falls due RECONFIRM_DAYS later, and following the link proves the mailbox is
// read, so it is no longer stale, nor unreachable (a hard-bounced address that confirms works again).
import type { Config } from '../../config.js';

const DAY_MS = 86_400_000;

export function reconfirmDueAfter(config: Pick<Config, 'RECONFIRM_DAYS'>, confirmedAt: Date): Date {
  return new Date(confirmedAt.getTime() + config.RECONFIRM_DAYS * DAY_MS);
}

/** The mailbox columns a confirmation sets (spread into the update and the row). */
export function confirmedReachability(config: Pick<Config, 'RECONFIRM_DAYS'>, now: Date) {
  return {
    confirmedAt: now,
    reconfirmDueAt: reconfirmDueAfter(config, now),
    remindersSent: 0,
    lastReminderAt: null,
    staleAt: null,
    unreachableAt: null,
    unreachableReason: null,
    softBounces: 0,
  };
}
