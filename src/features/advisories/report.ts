// An advisory's delivery report: per mailbox, whether it was delivered (with the SMTP reply) and when the
// council acknowledged it, with counts per status and per council. The caller sees only their scope.
import { and, asc, eq, sql } from 'drizzle-orm';
import { type advisories, authorities, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { deliveryStatuses } from '../../domain/advisory-states.js';
import type { Principal } from '../../domain/principal.js';
import { accessTo } from './advisory-scope.js';

export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface ReportItem {
  authority: string | null;
  authorityName: string | null;
  mailbox: string;
  mailboxKind: string;
  status: DeliveryStatus;
  attempts: number;
  /** Times a worker stopped while sending it and another took over: it may have arrived twice (same Message-ID). */
  resends: number;
  reply: string | null;
  deliveredAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface AdvisoryReport {
  advisory: Pick<typeof advisories.$inferSelect, 'id' | 'reference' | 'state' | 'tlp'>;
  summary: {
    deliveries: number;
    byStatus: Record<DeliveryStatus, number>;
    councils: number;
    councilsDelivered: number;
    councilsAcknowledged: number;
    /** Deliveries taken over from a worker that stopped mid-send: each may have arrived twice. */
    resent: number;
  };
  items: ReportItem[];
}

/** Every status with a zero count, in the order GOV.UK Notify lists them. */
export function emptyStatusCounts(): Record<DeliveryStatus, number> {
  return Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function advisoryReport(deps: Deps, principal: Principal, id: string): Promise<AdvisoryReport> {
  const { advisory, deliveries: deliveryScope } = await accessTo(deps, principal, id);
  const rows = await deps.db
    .select({
      authority: deliveries.authorityCode,
      authorityName: authorities.name,
      mailbox: deliveries.address,
      mailboxKind: deliveries.mailboxKind,
      status: deliveries.status,
      attempts: deliveries.attempts,
      resends: deliveries.resends,
      reply: deliveries.lastReply,
      deliveredAt: deliveries.deliveredAt,
      acknowledgedAt: deliveries.acknowledgedAt,
      acknowledgedBy: deliveries.acknowledgedBy,
    })
    .from(deliveries)
    .leftJoin(authorities, eq(authorities.code, deliveries.authorityCode))
    .where(and(eq(deliveries.advisoryId, advisory.id), deliveryScope))
    .orderBy(
      sql`${authorities.name} is null`,
      asc(authorities.name),
      asc(deliveries.address),
      asc(deliveries.id),
    );

  const byStatus = emptyStatusCounts();
  const councils = new Set<string>();
  const delivered = new Set<string>();
  const acknowledged = new Set<string>();
  let resent = 0;
  const items = rows.map((r): ReportItem => {
    byStatus[r.status] += 1;
    if (r.resends > 0) resent += 1;
    if (r.authority) {
      councils.add(r.authority);
      if (r.status === 'delivered') delivered.add(r.authority);
      if (r.acknowledgedAt !== null) acknowledged.add(r.authority);
    }
    return {
      ...r,
      deliveredAt: iso(r.deliveredAt),
      acknowledgedAt: iso(r.acknowledgedAt),
    };
  });

  return {
    advisory: { id: advisory.id, reference: advisory.reference, state: advisory.state, tlp: advisory.tlp },
    summary: {
      deliveries: rows.length,
      byStatus,
      councils: councils.size,
      councilsDelivered: delivered.size,
      councilsAcknowledged: acknowledged.size,
      resent,
    },
    items,
  };
}
