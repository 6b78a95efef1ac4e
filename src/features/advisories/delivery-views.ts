// The views of an advisory's deliveries — still trying, delivered, failed, acknowledged, not acknowledged —
// as conditions on `deliveries`, decided here once: the delivery list, its counts and an authority's
// "advisories received" all ask this module.
import { eq, type SQL, sql } from 'drizzle-orm';
import { deliveries } from '../../db/schema.js';

/** The views of a send's deliveries, in the order the page shows them. */
export const deliveryViews = [
  'all',
  'trying',
  'delivered',
  'failed',
  'acknowledged',
  'not-acknowledged',
  'cancelled',
] as const;
export type DeliveryView = (typeof deliveryViews)[number];

export const retrying = sql`${deliveries.status} in ('temporary-failure', 'technical-failure')`;

/** Each view as a condition on `deliveries`. */
export const viewCondition: Record<DeliveryView, SQL | undefined> = {
  all: undefined,
  // Not sent yet, being sent, or failed for now with another attempt due.
  trying: sql`(${deliveries.status} in ('created', 'sending') or (${retrying} and ${deliveries.nextAttemptAt} is not null))`,
  delivered: eq(deliveries.status, 'delivered'),
  // Refused for good, or failed for now and out of attempts (past the deadline).
  failed: sql`(${deliveries.status} = 'permanent-failure' or (${retrying} and ${deliveries.nextAttemptAt} is null))`,
  acknowledged: sql`${deliveries.acknowledgedAt} is not null`,
  'not-acknowledged': sql`(${deliveries.status} = 'delivered' and ${deliveries.acknowledgedAt} is null)`,
  cancelled: eq(deliveries.status, 'cancelled'),
};

/** Failures first (final, then failing for now), then those still to send, delivered, cancelled. */
export const failuresFirst = sql`case
  when ${viewCondition.failed} then 0
  when ${retrying} then 1
  when ${deliveries.status} in ('created', 'sending') then 2
  when ${deliveries.status} = 'delivered' then 3
  else 4 end`;

/** How many rows match a condition (every row when none), as an aggregate. */
export const sumWhen = (condition: SQL | undefined) =>
  sql<number>`coalesce(sum(case when ${condition ?? sql`1 = 1`} then 1 else 0 end), 0)`;
