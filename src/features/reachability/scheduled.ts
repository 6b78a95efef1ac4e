// The scheduled work of the reachability feature, for any runtime: the Node scheduler calls these with
// jitter, a Workers cron trigger can call `runScheduledWork(deps, kind)` the same way.
import type { Deps } from '../../deps.js';
import { applyRegisterCalendar, type CalendarOutcome } from '../authority-register/register-calendar.js';
import { checkMailboxKeys, type KeyCheckOutcome } from '../mailbox-keys/check-keys.js';
import { completeDueHandovers, type HandoverSweep } from '../mailboxes/handover.js';
import { askPendingOffers } from '../reorganisation/carry-forward.js';
import { type SweepResult, sweepReconfirmations } from './reconfirm.js';
import { type DomainCheckRun, runChecks } from './run-checks.js';

export type ScheduledKind = 'checks' | 'reconfirmations' | 'all';

export interface ScheduledOutcome {
  checks?: Array<Pick<DomainCheckRun, 'domain' | 'markedUnreachable' | 'restored'>>;
  /** The mailboxes' OpenPGP keys checked (expired, expiring, revoked, gone from their source). */
  keys?: KeyCheckOutcome;
  reconfirmations?: SweepResult;
  handovers?: HandoverSweep;
  /** Authorities vested (shadow → current) and ended on their dates; offers e-mailed to mailboxes. */
  register?: CalendarOutcome & { offersAsked: number };
}

/**
 * Checks the domains that are due (at most CHECKS_PER_RUN), and/or runs the re-confirmation sweep (with the
 * handovers whose window to refuse has ended, the register's calendar and the carried-forward offers).
 */
export async function runScheduledWork(
  deps: Deps,
  kind: ScheduledKind,
  signal?: AbortSignal,
): Promise<ScheduledOutcome> {
  const outcome: ScheduledOutcome = {};
  if (kind === 'checks' || kind === 'all') {
    const runs = await runChecks(deps, { dueOnly: true, limit: deps.config.CHECKS_PER_RUN, signal });
    outcome.checks = runs.map(({ domain, markedUnreachable, restored }) => ({
      domain,
      markedUnreachable,
      restored,
    }));
    if (!signal?.aborted) outcome.keys = await checkMailboxKeys(deps, signal);
  }
  if ((kind === 'reconfirmations' || kind === 'all') && !signal?.aborted) {
    outcome.reconfirmations = await sweepReconfirmations(deps);
    outcome.handovers = await completeDueHandovers(deps);
    // The register's calendar (vesting days, abolitions), then the carried-forward offers to put.
    const calendar = await applyRegisterCalendar(deps);
    outcome.register = { ...calendar, offersAsked: await askPendingOffers(deps) };
  }
  return outcome;
}

export { sweepReconfirmations } from './reconfirm.js';
export { runChecks, runDomainChecks } from './run-checks.js';
