// Background work in the Node process: start-up register sync, and (later) fan-out and schedules.
import type { Deps } from '../deps.js';

export interface BackgroundWork {
  stop(): Promise<void>;
}

export function startBackgroundWork(deps: Deps): BackgroundWork {
  const tasks: Array<Promise<unknown>> = [];
  const controller = new AbortController();
  void deps;
  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(tasks);
    },
  };
}
