// The dispatcher as a long-running loop (the Node process): drains due deliveries, then sleeps until the
// next retry falls due, a release wakes it, or the idle poll (other instances may release work too).
import type { Deps } from '../../deps.js';
import { dispatchOptions, drainDeliveries, nextRetryAt } from './dispatch.js';
import { onRelease } from './release.js';

export interface DispatcherLoop {
  wake(): void;
  stop(): Promise<void>;
}

export function startDispatcherLoop(deps: Deps): DispatcherLoop {
  const controller = new AbortController();
  const options = dispatchOptions(deps, { signal: controller.signal });
  let wakeUp: (() => void) | null = null;
  let woken = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
  };
  const unsubscribe = onRelease(deps, wake);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || controller.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
      controller.signal.addEventListener('abort', done, { once: true });
    });

  const loop = (async () => {
    while (!controller.signal.aborted) {
      woken = false;
      try {
        const stats = await drainDeliveries(deps, options);
        if (stats.claimed > 0) deps.log.info('dispatch', { ...stats });
        const next = await nextRetryAt(deps);
        const idle = deps.config.DISPATCH_IDLE_POLL_MS;
        const wait = next === null ? idle : Math.max(50, Math.min(idle, next - deps.clock.now().getTime()));
        await sleep(wait);
      } catch (err) {
        deps.log.error('dispatcher error; retrying shortly', { err });
        await sleep(deps.config.DISPATCH_IDLE_POLL_MS);
      }
    }
  })();

  return {
    wake,
    async stop() {
      unsubscribe();
      controller.abort();
      await loop;
    },
  };
}
