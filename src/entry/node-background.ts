// Background work in the Node process: the start-up register sync, the fan-out dispatcher and the schedule.
import type { Deps } from '../deps.js';
import { startDispatcherLoop } from '../features/advisories/dispatcher-loop.js';
import { escalateUnacknowledged } from '../features/advisories/escalate-unacknowledged.js';
import { syncRegisterIfEmpty } from '../features/authority-register/import-sync.js';
import { snapshotCoverage } from '../features/coverage/snapshot.js';
import { runDrills } from '../features/drills/run-drills.js';
import { followUpSms } from '../features/mobiles/sms-receipts.js';
import { runScheduledWork } from '../features/reachability/scheduled.js';
import { startSchedule } from './node-schedule.js';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export function startBackgroundWork(deps: Deps): BackgroundWork {
  const tasks: Array<Promise<unknown>> = [];
  const controller = new AbortController();
  // Runs beside the server, never in front of it: offline it logs one warning and the service starts anyway.
  tasks.push(syncRegisterIfEmpty(deps, { signal: controller.signal }));
  // Sends queued mail and released advisories; on stop it finishes the messages in flight and gives back
  // unsent leases. Queuing mail wakes it.
  const dispatcher = startDispatcherLoop(deps);
  deps.outbound = { wake: () => dispatcher.wake() };
  tasks.push(
    startSchedule(
      [
        {
          name: 'escalate unacknowledged advisories',
          everyMs: 15 * 60_000,
          firstAfterMs: 60_000,
          run: () => escalateUnacknowledged(deps),
        },
        {
          // Texts the SMS provider took long ago and never reported on: asked about, so none stays "sending".
          name: 'follow up texts',
          everyMs: 15 * 60_000,
          firstAfterMs: 4 * 60_000,
          run: () => followUpSms(deps),
        },
        {
          // Every few minutes a slice of the domains that are due: CHECKS_INTERVAL_HOURS spread out.
          name: 'domain checks',
          everyMs: Math.min(15 * 60_000, deps.config.CHECKS_INTERVAL_HOURS * 3600_000),
          firstAfterMs: 2 * 60_000,
          run: (signal) => runScheduledWork(deps, 'checks', signal),
        },
        {
          name: 're-confirmation sweep',
          everyMs: deps.config.RECONFIRM_SWEEP_HOURS * 3600_000,
          firstAfterMs: 5 * 60_000,
          run: (signal) => runScheduledWork(deps, 'reconfirmations', signal),
        },
        {
          // Reachability drills: start those due, write the rest of big ones (a slice at a time, until
          // done), close those whose window ended.
          name: 'drills',
          everyMs: 5 * 60_000,
          firstAfterMs: 90_000,
          run: async (signal) => {
            for (let run = await runDrills(deps, { signal }); run.more && !signal.aborted; )
              run = await runDrills(deps, { signal });
          },
        },
        {
          // The daily coverage snapshot. Idempotent per (UK) day, so it runs every 6 hours: with the
          // schedule's jitter a 24-hour period could skip a calendar day; this never does.
          name: 'coverage snapshot',
          everyMs: 6 * 3600_000,
          firstAfterMs: 3 * 60_000,
          run: () => snapshotCoverage(deps),
        },
      ],
      deps.log,
      controller.signal,
    ),
  );
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled([
        ...tasks,
        dispatcher.stop({ graceMs: deps.config.SHUTDOWN_GRACE_SECONDS * 1000 }),
      ]);
    },
  };
}
