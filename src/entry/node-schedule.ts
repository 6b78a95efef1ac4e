// A small in-process scheduler for the Node entry: each job runs every `everyMs` with ±10% jitter, never
// overlapping itself; errors are logged and the next run goes ahead.
import type { Logger } from '../ports/logger.js';

export interface ScheduledJob {
  name: string;
  everyMs: number;
  /** Delay before the first run (jittered too). */
  firstAfterMs?: number;
  run(signal: AbortSignal): Promise<unknown>;
}

export function startSchedule(jobs: ScheduledJob[], log: Logger, signal: AbortSignal): Promise<void> {
  const jitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2));
  const loops = jobs.map(async (job) => {
    let wait = jitter(job.firstAfterMs ?? job.everyMs);
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (signal.aborted) break;
      const started = Date.now();
      try {
        await job.run(signal);
        log.debug('scheduled job done', { job: job.name, ms: Date.now() - started });
      } catch (err) {
        log.error('scheduled job failed', { job: job.name, err });
      }
      wait = jitter(job.everyMs);
    }
  });
  return Promise.allSettled(loops).then(() => undefined);
}
