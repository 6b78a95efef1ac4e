// Every state change of a drill, and the one change of a drill's path (its acknowledgement), by name. Verbs
// apply them through `drillTransitions.apply(...)` / `drillPathTransitions.attempt(...)`
// (features/audit/transitions.ts): guarded, returning, audited once, 409 when another request or scheduler
// changed the drill first. A drill is created `scheduled` by schedule-drill.ts (its insert and audit entry
// in one batch); everything after goes through here.
import { drillPaths, drills } from '../../db/schema.js';
import type { DrillState } from '../../domain/drill-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const drillTransitionTable = transitions<DrillState>()({
  /**
   * Its time came (the scheduler), or its author or an admin said "start now": its paths and messages are
   * written in the same batch, and a recurring drill's successor is scheduled.
   */
  start: { action: 'drill.start', verb: 'start', from: ['scheduled'], to: 'running' },
  /** Its window closed (the scheduler): the report is final. */
  finish: { action: 'drill.finish', verb: 'finish', from: ['running'], to: 'finished' },
  /** Called off before it started: nothing was sent. */
  cancel: { action: 'drill.cancel', verb: 'cancel', from: ['scheduled'], to: 'cancelled' },
});

export type DrillTransition = keyof typeof drillTransitionTable;

export const drillTransitions = defineAggregate({
  table: drills,
  subject: 'drill',
  id: drills.id,
  state: drills.state,
  updatedAt: 'updatedAt',
  transitions: drillTransitionTable,
});

/**
 * A drill's path has no lifecycle of its own: its channel stands in as the "state" every transition may
 * start from, and the guard that matters is the `when` of the caller (not acknowledged yet, drill started).
 */
type PathChannel = (typeof drillPaths.$inferSelect)['channel'];

export const drillPathTransitionTable = transitions<PathChannel>()({
  /** Someone followed the path's link and pressed the button (guard: not acknowledged yet). */
  acknowledge: { action: 'drill.acknowledge', verb: 'acknowledge', from: ['email', 'sms'] },
});

export const drillPathTransitions = defineAggregate({
  table: drillPaths,
  subject: 'drill path',
  id: drillPaths.id,
  state: drillPaths.channel,
  transitions: drillPathTransitionTable,
});
