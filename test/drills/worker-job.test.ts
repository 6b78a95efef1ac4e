// Drills on the Workers schedule (run here in Node with the test app's database): the 15-minute cron
// runs the drill job, and one that stopped at its limit goes on through the queue until the drill is
// fully written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  consumeDispatchBatch,
  cronJobs,
  hasMore,
  isDispatchMessage,
  runScheduled,
} from '../../src/entry/worker.js';
import type { DispatchMessage } from '../../src/entry/worker-deps.js';
import { DRILL_PATHS_PER_RUN } from '../../src/features/drills/start-drill.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertCouncils } from '../support/fixtures.js';
import { pathsOf, schedule } from './support.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe('the drill job on Workers', () => {
  it('is in the 15-minute cron and continues through the queue while it has more', async () => {
    expect(cronJobs['*/15 * * * *']).toContain('drills');
    expect(isDispatchMessage({ job: 'drills' })).toBe(true);
    expect(hasMore(t.deps, 'drills', { more: true })).toBe(true);
    expect(hasMore(t.deps, 'drills', { more: false })).toBe(false);

    // More councils than one run writes: the cron starts it, the queue finishes it.
    const count = DRILL_PATHS_PER_RUN + 20;
    await insertCouncils(t.db, { count, code: (i) => `D${String(i).padStart(4, '0')}` });
    const admin = await t.tokenFor('admin');
    const drill = await schedule(t, admin, { audience: { all: true } });
    const sent: DispatchMessage[] = [];
    const runtime = { deps: t.deps, queue: { send: async (body: DispatchMessage) => void sent.push(body) } };
    const outcome = await runScheduled(runtime, '*/15 * * * *');
    expect(outcome.drills).toMatchObject({ ok: true, result: { started: [drill.reference], more: true } });
    expect((await pathsOf(t, drill.id)).length).toBe(DRILL_PATHS_PER_RUN);
    expect(sent).toContainEqual({ job: 'drills' });

    const acked: string[] = [];
    await consumeDispatchBatch(runtime, {
      queue: 'deliveries',
      messages: [
        {
          id: 'm1',
          body: { job: 'drills' },
          attempts: 1,
          ack: () => void acked.push('m1'),
          retry: () => {
            throw new Error('should not be retried');
          },
        },
      ],
    });
    expect(acked).toEqual(['m1']);
    expect(await pathsOf(t, drill.id)).toHaveLength(count);
  });
});
