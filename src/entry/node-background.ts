// Background work in the Node process: the start-up register sync, the fan-out dispatcher and the schedule.
import type { Deps } from '../deps.js';
import { startDispatcherLoop } from '../features/advisories/dispatcher-loop.js';
import { escalateUnacknowledged } from '../features/advisories/escalate-unacknowledged.js';
import { syncRegisterIfEmpty } from '../features/register/import-sync.js';
import { startSchedule } from './node-schedule.js';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export function startBackgroundWork(deps: Deps): BackgroundWork {
  const tasks: Array<Promise<unknown>> = [];
  const controller = new AbortController();
  // Runs beside the server, never in front of it: offline it logs one warning and the service starts anyway.
  tasks.push(syncRegisterIfEmpty(deps, { signal: controller.signal }));
  // Sends released advisories; on stop it finishes the messages in flight and gives back unsent leases.
  const dispatcher = startDispatcherLoop(deps);
  tasks.push(
    startSchedule(
      [
        {
          name: 'escalate unacknowledged advisories',
          everyMs: 15 * 60_000,
          firstAfterMs: 60_000,
          run: () => escalateUnacknowledged(deps),
        },
      ],
      deps.log,
      controller.signal,
    ),
  );
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled([...tasks, dispatcher.stop()]);
    },
  };
}
