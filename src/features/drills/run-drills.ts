// The scheduler's drill job (Node every 5 minutes; Workers' 15-minute cron, continued through the queue):
// closes the drills whose window ended (their report is final), starts the drills whose time came, and
// writes the next slices of running drills, at most `limit` paths in one run. `more` says work was left
// for the next run.
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { drillPaths, drills } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { continueDrill, DRILL_PATHS_PER_RUN, schedulerActor, startDrillNow } from './start-drill.js';
import { drillTransitions } from './transitions.js';

export interface DrillRun {
  started: string[];
  finished: string[];
  /** Paths written in this run (first slices and later ones). */
  paths: number;
  more: boolean;
}

export async function runDrills(
  deps: Deps,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<DrillRun> {
  const limit = options.limit ?? DRILL_PATHS_PER_RUN;
  const now = deps.clock.now();
  const out: DrillRun = { started: [], finished: [], paths: 0, more: false };

  const closing = await deps.db
    .select()
    .from(drills)
    .where(and(eq(drills.state, 'running'), lte(drills.closesAt, now)))
    .orderBy(asc(drills.closesAt));
  for (const drill of closing) {
    const row = await drillTransitions.attempt(deps, schedulerActor, 'finish', drill.id, {
      set: { finishedAt: now },
      audit: {
        after: {
          reference: drill.reference,
          paths: await pathCount(deps, drill.id),
        },
      },
      at: now,
    });
    if (row) out.finished.push(drill.reference);
  }

  let room = limit;
  const due = await deps.db
    .select()
    .from(drills)
    .where(and(eq(drills.state, 'scheduled'), lte(drills.scheduledFor, now)))
    .orderBy(asc(drills.scheduledFor), asc(drills.id));
  for (const drill of due) {
    if (room <= 0 || options.signal?.aborted) {
      out.more = true;
      break;
    }
    const started = await startDrillNow(deps, schedulerActor, drill, room);
    if (!started) continue;
    out.started.push(drill.reference);
    out.paths += started.paths;
    room -= started.paths;
  }

  const running = await deps.db
    .select()
    .from(drills)
    .where(and(eq(drills.state, 'running'), sql`${drills.closesAt} > ${now.getTime()}`))
    .orderBy(asc(drills.startedAt), asc(drills.id));
  for (const drill of running) {
    while (room > 0 && !options.signal?.aborted) {
      const next = await continueDrill(deps, drill, room);
      out.paths += next.paths;
      room -= next.paths;
      if (!next.more) break;
    }
    if (room <= 0) break;
  }
  // The whole budget spent: there may be more (the next run finds out cheaply).
  if (room <= 0) out.more = true;
  return out;
}

async function pathCount(deps: Deps, drillId: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: sql<number>`count(*)` })
    .from(drillPaths)
    .where(eq(drillPaths.drillId, drillId));
  return Number(row?.n ?? 0);
}
