// Starting a drill and sending the rest of it. Starting is ONE batch: the guarded `start` transition (with
// its audit entry), the first slice of paths with the messages that carry them, and a recurring drill's
// successor (with its own audit entry), each written only if the drill is still scheduled, so of two
// schedulers (or a scheduler and "start now") exactly one starts it and schedules the next one. A drill
// too big for one batch goes on slice by slice (`continueDrill`), each slice's paths and messages in one
// batch written only while the drill runs.
import { type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { drillPaths, drills, outboundMail, smsMessages, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { recurrenceMonths } from '../../domain/drill-states.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { insertRowsIf } from '../audit/insert-rows-if.js';
import { auditEntryIf, insertRowIf } from '../audit/transitions.js';
import { wakeSender } from '../outbound/queue-mail.js';
import { wakeSmsSender } from '../outbound/queue-sms.js';
import { DRILL_MAIL_LANE, drillRunBy, nextSlice, type SliceRows, sliceRows } from './drill-paths.js';
import { withDrillReference } from './drill-reference.js';
import { assertMayChange, type DrillRow, drillFor } from './drill-view.js';
import { scheduledFields } from './schedule-drill.js';
import { drillTransitions } from './transitions.js';

/** Paths one batch writes at most: within a Workers invocation's budget (see worker-budget.ts). */
export const DRILL_PATHS_PER_RUN = 500;

export const schedulerActor: ActorContext = { principal: systemPrincipal };

/** A slice's paths and their messages, each statement written only while `guard` holds. */
function sliceStatements(deps: Deps, rows: SliceRows, guard: SQL): BatchItem[] {
  const options = { ignoreConflicts: true };
  return [
    ...insertRowsIf(deps.db, drillPaths, rows.paths, guard, options),
    ...insertRowsIf(deps.db, outboundMail, rows.mail, guard, options),
    ...insertRowsIf(deps.db, smsMessages, rows.sms, guard, options),
  ];
}

async function warpName(deps: Deps, warpId: string | null): Promise<string | null> {
  if (!warpId) return null;
  const row = await deps.db.query.warps.findFirst({ where: sql`${warps.id} = ${warpId}` });
  return row?.name ?? null;
}

/** The next drill of a recurring series: same audience, window and recurrence, months later. */
export function successorOf(drill: DrillRow, id: string, reference: string, now: Date): DrillRow | null {
  if (drill.recurrence === 'none') return null;
  const next = new Date(drill.scheduledFor);
  next.setUTCMonth(next.getUTCMonth() + recurrenceMonths[drill.recurrence]);
  return {
    ...drill,
    id,
    reference,
    state: 'scheduled',
    scheduledFor: next,
    previousId: drill.id,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    closesAt: null,
    finishedAt: null,
    cancelledBy: null,
    cancelledAt: null,
  };
}

async function wake(deps: Deps, rows: SliceRows) {
  if (rows.mail.length) await wakeSender(deps, DRILL_MAIL_LANE);
  if (rows.sms.length) await wakeSmsSender(deps);
}

export interface Started {
  drill: DrillRow;
  paths: number;
  /** Councils are left for the next slices. */
  more: boolean;
  successor: DrillRow | null;
}

/**
 * Starts a scheduled drill (the scheduler, or "start now"): null when another writer started or cancelled
 * it first (nothing written).
 */
export async function startDrillNow(
  deps: Deps,
  actor: ActorContext,
  drill: DrillRow,
  limit = DRILL_PATHS_PER_RUN,
): Promise<Started | null> {
  const now = deps.clock.now();
  const closesAt = new Date(now.getTime() + drill.windowHours * 3600_000);
  const slice = await nextSlice(deps, drill, null, limit);
  const rows = await sliceRows(
    deps,
    drill,
    closesAt,
    slice.targets,
    drillRunBy(deps, drill, await warpName(deps, drill.warpId)),
  );
  const attempt = (reference: string | null) => {
    const successor = reference ? successorOf(drill, deps.random.id(), reference, now) : null;
    return drillTransitions
      .attempt(deps, actor, 'start', drill.id, {
        set: { startedAt: now, closesAt },
        at: now,
        audit: {
          after: { reference: drill.reference, closesAt: closesAt.toISOString(), paths: rows.paths.length },
        },
        with: (stillApplies) => [
          ...sliceStatements(deps, rows, stillApplies),
          ...(successor
            ? [
                insertRowIf(deps.db, drills, successor, stillApplies),
                auditEntryIf(deps.db, { principal: systemPrincipal }, now, stillApplies, {
                  action: 'drill.schedule',
                  subjectType: 'drill',
                  subjectId: successor.id,
                  after: scheduledFields(successor),
                }),
              ]
            : []),
        ],
      })
      .then((applied) => (applied ? { row: applied.row, successor } : null));
  };
  const applied =
    drill.recurrence === 'none' ? await attempt(null) : await withDrillReference(deps, (ref) => attempt(ref));
  if (!applied) return null;
  await wake(deps, rows);
  deps.log.info('drill started', { drill: drill.reference, paths: rows.paths.length, more: slice.more });
  return { drill: applied.row, paths: rows.paths.length, more: slice.more, successor: applied.successor };
}

/** "Start now" by its author's WARP or an admin: 409 when it is no longer scheduled. */
export async function startDrill(deps: Deps, actor: ActorContext, id: string): Promise<Started> {
  const drill = await drillFor(deps, actor.principal, id);
  assertMayChange(actor.principal, drill);
  drillTransitions.assertCan(drill, 'start');
  const started = await startDrillNow(deps, actor, drill);
  if (!started) throw await drillTransitions.conflictNow(deps.db, 'start', drill.id);
  return started;
}

/** The next slice of a running drill (after the highest council code that has paths): paths written. */
export async function continueDrill(
  deps: Deps,
  drill: DrillRow,
  limit = DRILL_PATHS_PER_RUN,
): Promise<{ paths: number; more: boolean }> {
  if (drill.state !== 'running' || !drill.closesAt) return { paths: 0, more: false };
  const [cursor] = await deps.db
    .select({ code: sql<string | null>`max(${drillPaths.authorityCode})` })
    .from(drillPaths)
    .where(sql`${drillPaths.drillId} = ${drill.id}`);
  // A started drill with no paths at all had nobody to reach: there is nothing to go on with.
  if (!cursor?.code) return { paths: 0, more: false };
  const slice = await nextSlice(deps, drill, cursor.code, limit);
  if (slice.targets.length === 0) return { paths: 0, more: false };
  const rows = await sliceRows(
    deps,
    drill,
    drill.closesAt,
    slice.targets,
    drillRunBy(deps, drill, await warpName(deps, drill.warpId)),
  );
  const running = sql`exists (select 1 from ${drills} where ${drills.id} = ${drill.id} and ${drills.state} = 'running')`;
  const statements = sliceStatements(deps, rows, running);
  await deps.db.batch(statements as [BatchItem, ...BatchItem[]]);
  await wake(deps, rows);
  return { paths: rows.paths.length, more: slice.more };
}
