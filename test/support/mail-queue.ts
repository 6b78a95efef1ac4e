// Tests read what was sent as soon as the call that queued it returns: queued mail is sent at once (the
// queue, its engine and the mailer are all real), while advisory deliveries wait for a test's own drain.
import type { Deps } from '../../src/deps.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';

export function sendQueuedMailAtOnce<D extends Deps>(deps: D): D {
  deps.outbound ??= {
    wake: async () => {
      await drainDeliveries(deps, dispatchOptions(deps, { mailOnly: true }));
    },
  };
  return deps;
}
