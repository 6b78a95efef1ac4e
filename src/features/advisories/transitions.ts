// Every state change of an advisory, by name: where it may start, where it ends, what the audit log calls it.
// Verbs apply these through `advisoryTransitions.apply(...)` (features/audit/transitions.ts): guarded,
// returning, audited once, 409 when another request changed the advisory first. Mail and the dispatcher's
// wake-up follow only a transition that happened.
import { advisories } from '../../db/schema.js';
import type { AdvisoryState } from '../../domain/advisory-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const advisoryTransitionTable = transitions<AdvisoryState>()({
  /** Its author (or an admin) changes a draft; it stays a draft. */
  edit: { action: 'advisory.edit', verb: 'edit', from: ['draft'] },
  /** Released, but it reaches more than one WARP or is TLP:RED: it waits for a second admin. */
  releaseForApproval: {
    action: 'advisory.release',
    verb: 'release',
    from: ['draft'],
    to: 'awaiting-approval',
  },
  /** Released: its deliveries are created in the same write and sending starts. */
  release: { action: 'advisory.release', verb: 'release', from: ['draft'], to: 'sending' },
  /** A second admin approves it: its deliveries are created in the same write and sending starts. */
  approve: { action: 'advisory.approve', verb: 'approve', from: ['awaiting-approval'], to: 'sending' },
  /** Nothing more is sent: deliveries not yet sent are cancelled in the same write. */
  cancel: {
    action: 'advisory.cancel',
    verb: 'cancel',
    from: ['draft', 'awaiting-approval', 'sending'],
    to: 'cancelled',
  },
  /**
   * Every delivery is final. The fan-out engine's own move, applied to many advisories in one statement
   * (`applyMany`, not audited: the deliveries' outcomes are the record).
   */
  complete: { action: 'advisory.complete', verb: 'complete', from: ['sending'], to: 'sent' },
  /**
   * Its WARPs' operators are told which members acknowledged nothing, each council once (guard: none of the
   * councils' copies acknowledged or escalated; their `deliveries.escalated_at` is set in the same batch).
   */
  escalate: { action: 'advisory.escalate', verb: 'escalate', from: ['sending', 'sent'], keepUpdatedAt: true },
  /**
   * A critical or urgent advisory's first escalation step: the out-of-hours mobiles of councils that have
   * acknowledged nothing are texted, before their WARPs are told (each council once: guard as `escalate`,
   * on `deliveries.sms_escalated_at`).
   */
  textUnacknowledged: {
    action: 'advisory.escalate-by-sms',
    verb: 'text the unacknowledged councils about',
    from: ['sending', 'sent'],
    keepUpdatedAt: true,
  },
});

export type AdvisoryTransition = keyof typeof advisoryTransitionTable;

export const advisoryTransitions = defineAggregate({
  table: advisories,
  subject: 'advisory',
  id: advisories.id,
  state: advisories.state,
  updatedAt: 'updatedAt',
  transitions: advisoryTransitionTable,
});
