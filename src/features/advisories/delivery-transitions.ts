// The changes of one delivery that people and bounce reports make, by name, applied through
// `deliveryTransitions.apply(...)` (features/audit/transitions.ts): guarded, returning, audited once, 409
// when something else changed it first. The fan-out engine's own bulk moves (claiming with a lease,
// writing send outcomes, giving leases back) are the queue's mechanics and stay in claim.ts and
// delivery-outcome.ts, each a single guarded statement over many rows.
import { deliveries } from '../../db/schema.js';
import { type DeliveryStatus, deliveryStatuses } from '../../domain/advisory-states.js';
import { defineAggregate, transitions } from '../audit/transitions.js';

export const deliveryTransitionTable = transitions<DeliveryStatus>()({
  /** The council follows the acknowledgement link (the status stays; guard: not acknowledged yet). */
  acknowledge: { action: 'delivery.acknowledge', verb: 'acknowledge', from: deliveryStatuses },
  /** A delivery report says the message could not be delivered. */
  bounce: {
    action: 'delivery.bounce',
    verb: 'mark as bounced',
    from: ['created', 'sending', 'delivered', 'temporary-failure', 'technical-failure', 'permanent-failure'],
    to: 'permanent-failure',
  },
});

export type DeliveryTransition = keyof typeof deliveryTransitionTable;

export const deliveryTransitions = defineAggregate({
  table: deliveries,
  subject: 'delivery',
  id: deliveries.id,
  state: deliveries.status,
  transitions: deliveryTransitionTable,
});
