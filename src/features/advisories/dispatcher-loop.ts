// The outbound queue's dispatcher as a long-running loop (the Node process): drains everything due (queued
// mail and advisory deliveries), then sleeps until the next retry falls due, mail is queued or an advisory
// released (either wakes it), or the idle poll (other instances may queue work too). While sending is
// paused, each drain is a probe of one message when one is due.
import { sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import { releaseAllOf } from '../outbound/queue-rows.js';
import { dispatchOptions, drainDeliveries, nextRetryAt } from './dispatch.js';
import { onRelease } from './release.js';

/** Whether any advisory is sending, any mail is queued, or any retry is overdue (reads, cheap on the indexes). */
async function hasWork(deps: Deps): Promise<boolean> {
  const now = deps.clock.now().getTime();
  const [row] = await deps.db.all<{ n: number }>(sql`
    select (select count(*) from advisories where state = 'sending')
      + (select count(*) from deliveries where status in ('temporary-failure', 'technical-failure')
           and next_attempt_at is not null and deadline_at <= ${now})
      + (select count(*) from (select 1 from outbound_mail
           where status in ('created', 'temporary-failure', 'technical-failure', 'sending') limit 1))
      + (select count(*) from (select 1 from sms_messages
           where status in ('created', 'temporary-failure', 'technical-failure') and next_attempt_at <= ${now} limit 1)) as n`);
  return Number(row?.n ?? 0) > 0;
}

export interface DispatcherLoop {
  wake(): void;
  /**
   * Stops claiming, lets the sends in flight finish and gives back the leases of what was claimed but not
   * sent. A send still unfinished after `graceMs` (a mail server that stopped answering) is not waited for:
   * every lease this worker still holds is given back, so another worker can claim it at once.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
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
        controller.signal.removeEventListener('abort', done);
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
        // Idle polls only read: the write lock is taken only when there is work to claim.
        let paused = false;
        if (await hasWork(deps)) {
          const stats = await drainDeliveries(deps, options);
          paused = stats.paused;
          if (stats.claimed > 0) deps.log.info('dispatch', { ...stats, sms: undefined });
        }
        const next = paused ? null : await nextRetryAt(deps);
        const idle = deps.config.DISPATCH_IDLE_POLL_MS;
        // Paused: every idle poll looks whether a probe is due (it is sent then), nothing more.
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
    async stop({ graceMs }: { graceMs?: number } = {}) {
      unsubscribe();
      controller.abort();
      if (graceMs === undefined) return loop;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finished = await Promise.race([
        loop.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (finished) return;
      const at = deps.clock.now().getTime();
      const released =
        (await releaseAllOf(deps, 'deliveries', options.owner, at)) +
        (await releaseAllOf(deps, 'outbound_mail', options.owner, at));
      deps.log.warn('dispatcher stopped with sends unfinished; their leases are given back', {
        graceMs,
        released,
      });
    },
  };
}
