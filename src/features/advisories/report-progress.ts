// Live progress of a fan-out, cheap enough to poll: grouped counts over the advisory's deliveries (by
// status, and by the kind of failure those not delivered last had).
import { and, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { deliveries, smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { authorityScope } from '../auth/scope.js';
import { pauseView, senderState } from '../outbound/sender-state.js';
import { accessTo } from './advisory-scope.js';
import { type DeliveryStatus, emptyStatusCounts } from './report.js';

export interface AdvisoryProgress {
  state: string;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  /** Deliveries whose outcome is final: nothing more will be tried for them. */
  done: number;
  /** done / total as a whole percentage, rounded down (100 only when every delivery is final). */
  percent: number;
  /** While the advisory is being sent and sending is paused by a failure of our own: why, and the next try. */
  paused: { since: string | null; reason: string; nextProbeAt: string | null } | null;
  /**
   * The kinds of failure its deliveries that are not delivered last had (`SES AccessDeniedException` …),
   * most first: what the mail provider is saying, visible without reading each delivery's reply.
   */
  failures: Array<{ kind: string; status: DeliveryStatus; deliveries: number; reply: string | null }>;
  /** Texts to out-of-hours mobiles (heads-ups and escalations) by status, within the caller's scope. */
  texts: Array<{ purpose: 'heads-up' | 'escalation'; status: string; texts: number }>;
}

/** Statuses that are final whatever else the row says. */
const alwaysFinal = new Set<DeliveryStatus>(['delivered', 'permanent-failure', 'cancelled']);
/** Failures that are final once no further attempt is scheduled (the deadline passed, or no retry applies). */
const finalWhenNoRetry = new Set<DeliveryStatus>(['temporary-failure', 'technical-failure']);

export async function advisoryProgress(
  deps: Deps,
  principal: Principal,
  id: string,
): Promise<AdvisoryProgress> {
  const { advisory, deliveries: deliveryScope } = await accessTo(deps, principal, id);
  const rows = await deps.db
    .select({
      status: deliveries.status,
      n: sql<number>`count(*)`,
      settled: sql<number>`sum(case when ${deliveries.nextAttemptAt} is null then 1 else 0 end)`,
    })
    .from(deliveries)
    .where(and(eq(deliveries.advisoryId, advisory.id), deliveryScope))
    .groupBy(deliveries.status);

  const byStatus = emptyStatusCounts();
  let total = 0;
  let done = 0;
  for (const r of rows) {
    const n = Number(r.n);
    byStatus[r.status] = n;
    total += n;
    if (alwaysFinal.has(r.status)) done += n;
    else if (finalWhenNoRetry.has(r.status)) done += Number(r.settled ?? 0);
  }
  const failureRows = await deps.db
    .select({
      kind: deliveries.lastFailure,
      status: deliveries.status,
      n: sql<number>`count(*)`,
      reply: sql<string | null>`max(${deliveries.lastReply})`,
    })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.advisoryId, advisory.id),
        deliveryScope,
        isNotNull(deliveries.lastFailure),
        ne(deliveries.status, 'delivered'),
      ),
    )
    .groupBy(deliveries.lastFailure, deliveries.status);
  const failures = failureRows
    .map((r) => ({ kind: r.kind ?? '', status: r.status, deliveries: Number(r.n), reply: r.reply }))
    .sort((a, b) => b.deliveries - a.deliveries);
  const percent = total === 0 ? (advisory.state === 'sent' ? 100 : 0) : Math.floor((done * 100) / total);
  const pause = advisory.state === 'sending' ? pauseView(await senderState(deps)) : null;
  const paused = pause && { since: pause.since, reason: pause.reason, nextProbeAt: pause.nextProbeAt };
  const textRows = await deps.db
    .select({ purpose: smsMessages.purpose, status: smsMessages.status, n: sql<number>`count(*)` })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.advisoryId, advisory.id),
        authorityScope(deps.db, principal, smsMessages.authorityCode),
      ),
    )
    .groupBy(smsMessages.purpose, smsMessages.status);
  const texts = textRows
    .filter((r) => r.purpose === 'heads-up' || r.purpose === 'escalation')
    .map((r) => ({ purpose: r.purpose as 'heads-up' | 'escalation', status: r.status, texts: Number(r.n) }));
  return { state: advisory.state, total, byStatus, done, percent, paused, failures, texts };
}
