// A council acknowledges an advisory from its own page, signed in, as it would from the link in the e-mail:
// the copy delivered to the mailbox the session was opened from (else its primary's, else any delivered
// copy) is marked acknowledged, guarded on "not yet", through the deliveries' transitions (audited once).
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { cleanAcknowledgerName, MAX_ACK_NAME_LENGTH } from './ack-delivery.js';
import { acknowledgeCopy } from './acknowledge-copy.js';
import { accessTo } from './advisory-scope.js';

export type CouncilAckOutcome = {
  state: 'acknowledged' | 'already';
  acknowledgedAt: Date;
  acknowledgedBy: string;
};

export async function acknowledgeAsCouncil(
  deps: Deps,
  actor: ActorContext,
  advisoryId: string,
  name: string,
): Promise<CouncilAckOutcome> {
  const principal = actor.principal;
  if (principal.role !== 'council' || !principal.authorityCode)
    throw new AppError('forbidden', 'Only a council acknowledges what was sent to it.');
  const { advisory } = await accessTo(deps, principal, advisoryId);
  const mine = and(
    eq(deliveries.advisoryId, advisory.id),
    eq(deliveries.authorityCode, principal.authorityCode),
  );
  const [done] = await deps.db
    .select({ at: deliveries.acknowledgedAt, by: deliveries.acknowledgedBy })
    .from(deliveries)
    .where(and(mine, sql`${deliveries.acknowledgedAt} is not null`))
    .orderBy(asc(deliveries.acknowledgedAt))
    .limit(1);
  if (done?.at)
    return {
      state: 'already',
      acknowledgedAt: new Date(done.at),
      acknowledgedBy: done.by ?? 'mailbox holder',
    };
  const sessionMailbox = principal.mailbox?.id ?? '';
  const [copy] = await deps.db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(mine, eq(deliveries.status, 'delivered'), isNull(deliveries.acknowledgedAt)))
    .orderBy(
      sql`case when ${deliveries.mailboxId} = ${sessionMailbox} then 0 when ${deliveries.mailboxKind} = 'primary' then 1 else 2 end`,
      asc(deliveries.id),
    )
    .limit(1);
  if (!copy)
    throw new AppError('conflict', 'No copy of this advisory has been delivered to your council yet.');
  const by = cleanAcknowledgerName(name).slice(0, MAX_ACK_NAME_LENGTH) || 'signed-in council';
  const acknowledged = await acknowledgeCopy(deps, actor, copy.id, {
    advisory,
    authorityCode: principal.authorityCode,
    by,
    from: 'the council’s page',
  });
  if (!acknowledged) return acknowledgeAsCouncil(deps, actor, advisoryId, name);
  return { state: 'acknowledged', acknowledgedAt: acknowledged, acknowledgedBy: by };
}
