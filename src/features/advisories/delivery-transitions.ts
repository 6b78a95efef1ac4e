// The changes of one delivery that people and bounce reports make, by name, applied through
// `deliveryTransitions.apply(...)` (features/audit/transitions.ts): guarded, returning, audited once, 409
// when something else changed it first. The fan-out engine's own bulk moves (claiming with a lease,
// writing send outcomes, giving leases back) are the queue's mechanics and stay in claim.ts and
// delivery-outcome.ts, each a single guarded statement over many rows.
import { deliveries } from '../../db/schema.js';
import { type DeliveryStatus, deliveryStatuses } from '../../domain/advisory-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

/** A report may concern any delivery that was not cancelled. */
const bounceable = [
  'created',
  'sending',
  'delivered',
  'temporary-failure',
  'technical-failure',
  'permanent-failure',
] as const satisfies readonly DeliveryStatus[];

export const deliveryTransitionTable = transitions<DeliveryStatus>()({
  /** The council follows the acknowledgement link (the status stays; guard: not acknowledged yet). */
  acknowledge: { action: 'delivery.acknowledge', verb: 'acknowledge', from: deliveryStatuses },
  /** A delivery report says the message could not be delivered, for good (or for a reason it does not give). */
  bounce: { action: 'delivery.bounce', verb: 'mark as bounced', from: bounceable, to: 'permanent-failure' },
  /** A delivery report says the mailbox could not take it (full): not the address's fault. */
  softBounce: {
    action: 'delivery.soft-bounce',
    verb: 'mark as soft-bounced',
    from: bounceable,
    to: 'temporary-failure',
  },
  /** A delivery report says the receiving system refused our mail (sender, size, policy): our failure. */
  refused: { action: 'delivery.refused', verb: 'mark as refused', from: bounceable, to: 'technical-failure' },
});

export type DeliveryTransition = keyof typeof deliveryTransitionTable;

export const deliveryTransitions = defineAggregate({
  table: deliveries,
  subject: 'delivery',
  id: deliveries.id,
  state: deliveries.status,
  transitions: deliveryTransitionTable,
});
