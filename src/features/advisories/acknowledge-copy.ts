// Marking one copy of an advisory acknowledged: the one write every channel makes (the e-mail's link, the
// council's page, a text's link). Guarded on "not acknowledged yet", through the deliveries' transitions,
// audited once; null when another acknowledgement got there first (the caller reads what was kept).
import { isNull } from 'drizzle-orm';
import { deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { deliveryTransitions } from './delivery-transitions.js';

export interface Acknowledgement {
  advisory: { id: string; reference: string };
  authorityCode: string | null;
  /** Who, in the words kept on the delivery. */
  by: string;
  /** Where it came from, for the audit log (absent for the e-mail's own link). */
  from?: string;
}

export async function acknowledgeCopy(
  deps: Deps,
  actor: ActorContext,
  deliveryId: string,
  ack: Acknowledgement,
): Promise<Date | null> {
  const now = deps.clock.now();
  const done = await deliveryTransitions.attempt(deps, actor, 'acknowledge', deliveryId, {
    set: { acknowledgedAt: now.getTime(), acknowledgedBy: ack.by },
    when: isNull(deliveries.acknowledgedAt),
    audit: {
      after: {
        advisoryId: ack.advisory.id,
        reference: ack.advisory.reference,
        authorityCode: ack.authorityCode,
        acknowledgedAt: now.toISOString(),
        acknowledgedBy: ack.by,
        ...(ack.from ? { from: ack.from } : {}),
      },
    },
    at: now,
  });
  return done ? now : null;
}
