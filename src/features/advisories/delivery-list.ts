// An advisory's deliveries as staff follow them, the way GOV.UK Notify shows a send: counts per view
// (still trying, delivered, failed, acknowledged, not acknowledged), one view at a time with failures first,
// a search by council or address, pages of rows, and each row's reason in plain English beside the SMTP
// reply. The caller sees only their scope (advisory-scope.ts), in the counts as in the rows.

import { and, asc, eq, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { containsText } from '../../db/contains-text.js';
import { inList } from '../../db/limits.js';
import { advisories, authorities, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { DeliveryStatus } from '../../domain/advisory-states.js';
import type { Principal } from '../../domain/principal.js';
import { authorityScope } from '../auth/scope.js';
import { accessTo } from './advisory-scope.js';
import { deliveryReason } from './delivery-reason.js';
import {
  type DeliveryView,
  deliveryViews,
  failuresFirst,
  retrying,
  sumWhen,
  viewCondition,
} from './delivery-views.js';

export { type DeliveryView, deliveryViews };

export interface DeliveryListQuery {
  view?: DeliveryView;
  /** Part of a council's name, its register code, or part of the address. */
  search?: string;
  /** Rows per page (at most 1,000), or every row (a download). */
  limit?: number | 'all';
  offset?: number;
}

export interface DeliveryListItem {
  authority: string | null;
  authorityName: string | null;
  /** The successor council this copy went for, through this predecessor's mailbox offered to it. */
  onBehalfOf: string | null;
  onBehalfOfName: string | null;
  mailbox: string;
  mailboxKind: string;
  status: DeliveryStatus;
  /** Whether another attempt is due (a failure for now). */
  nextAttemptAt: string | null;
  attempts: number;
  resends: number;
  /** In plain English: what happened, and whose side it is on. */
  reason: string;
  /** The last SMTP reply (or failure) as the server gave it. */
  reply: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface DeliverySummary {
  /** Rows in each view (over everything the caller may see, whatever the search). */
  counts: Record<DeliveryView, number>;
  /** The earliest next attempt of a delivery still being tried after a failure. */
  nextAttemptAt: string | null;
  /** When the most recent delivery finished (delivered or failed for good). */
  lastFinishedAt: string | null;
  /** Councils among the deliveries, and how many of them acknowledged. */
  councils: number;
  councilsAcknowledged: number;
}

export interface DeliveryList extends DeliverySummary {
  advisory: { id: string; reference: string; state: string };
  view: DeliveryView;
  search: string;
  items: DeliveryListItem[];
  /** Rows matching the view and the search. */
  total: number;
  limit: number;
  offset: number;
}

/** The successor a copy went for (a second join of the register). */
const successor = alias(authorities, 'successor');

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The counts per view, the next attempt and the last finish, in one grouped read. */
async function summarise(deps: Deps, where: SQL | undefined): Promise<DeliverySummary> {
  const [row] = await deps.db
    .select({
      ...(Object.fromEntries(deliveryViews.map((v) => [v, sumWhen(viewCondition[v])])) as Record<
        DeliveryView,
        SQL<number>
      >),
      nextAttemptAt: sql<number | null>`min(case when ${retrying} then ${deliveries.nextAttemptAt} end)`,
      lastFinishedAt: sql<number | null>`max(coalesce(${deliveries.deliveredAt}, ${deliveries.failedAt}))`,
      // A copy to a predecessor's mailbox on behalf of its successor counts for the successor.
      councils: sql<number>`count(distinct coalesce(${deliveries.onBehalfOf}, ${deliveries.authorityCode}))`,
      councilsAcknowledged: sql<number>`count(distinct case when ${deliveries.acknowledgedAt} is not null then coalesce(${deliveries.onBehalfOf}, ${deliveries.authorityCode}) end)`,
    })
    .from(deliveries)
    .where(where);
  const counts = Object.fromEntries(deliveryViews.map((v) => [v, Number(row?.[v] ?? 0)])) as Record<
    DeliveryView,
    number
  >;
  return {
    counts,
    nextAttemptAt: iso(row?.nextAttemptAt == null ? null : Number(row.nextAttemptAt)),
    lastFinishedAt: iso(row?.lastFinishedAt == null ? null : Number(row.lastFinishedAt)),
    councils: Number(row?.councils ?? 0),
    councilsAcknowledged: Number(row?.councilsAcknowledged ?? 0),
  };
}

function searchCondition(search: string): SQL | undefined {
  if (!search) return undefined;
  return or(
    containsText(authorities.name, search),
    eq(deliveries.authorityCode, search.toUpperCase()),
    containsText(deliveries.address, search),
  );
}

export async function listDeliveries(
  deps: Deps,
  principal: Principal,
  id: string,
  query: DeliveryListQuery = {},
): Promise<DeliveryList> {
  const { advisory, deliveries: scope } = await accessTo(deps, principal, id);
  const view = query.view ?? 'all';
  const search = (query.search ?? '').trim().slice(0, 200);
  const limit = query.limit === 'all' ? -1 : Math.min(Math.max(1, query.limit ?? 50), 1000);
  const offset = Math.max(0, query.offset ?? 0);
  const mine = and(eq(deliveries.advisoryId, advisory.id), scope);
  const matching = and(mine, viewCondition[view], searchCondition(search));
  const [summary, rows, [total]] = await Promise.all([
    summarise(deps, mine),
    deps.db
      .select({
        authority: deliveries.authorityCode,
        authorityName: authorities.name,
        onBehalfOf: deliveries.onBehalfOf,
        onBehalfOfName: successor.name,
        mailbox: deliveries.address,
        mailboxKind: deliveries.mailboxKind,
        status: deliveries.status,
        nextAttemptAt: deliveries.nextAttemptAt,
        attempts: deliveries.attempts,
        resends: deliveries.resends,
        reply: deliveries.lastReply,
        code: deliveries.lastCode,
        deliveredAt: deliveries.deliveredAt,
        failedAt: deliveries.failedAt,
        acknowledgedAt: deliveries.acknowledgedAt,
        acknowledgedBy: deliveries.acknowledgedBy,
      })
      .from(deliveries)
      .leftJoin(authorities, eq(authorities.code, deliveries.authorityCode))
      .leftJoin(successor, eq(successor.code, deliveries.onBehalfOf))
      .where(matching)
      .orderBy(
        failuresFirst,
        // Grouped under the council they are for: a successor's borrowed copies sit with it.
        sql`coalesce(${successor.name}, ${authorities.name}) is null`,
        asc(sql`coalesce(${successor.name}, ${authorities.name})`),
        asc(deliveries.address),
        asc(deliveries.id),
      )
      .limit(limit)
      .offset(offset),
    deps.db
      .select({ n: sql<number>`count(*)` })
      .from(deliveries)
      .leftJoin(authorities, eq(authorities.code, deliveries.authorityCode))
      .where(matching),
  ]);
  return {
    advisory: { id: advisory.id, reference: advisory.reference, state: advisory.state },
    ...summary,
    view,
    search,
    total: Number(total?.n ?? 0),
    limit,
    offset,
    items: rows.map(({ code, ...r }) => ({
      ...r,
      reason: deliveryReason({ status: r.status, code, reply: r.reply, retrying: r.nextAttemptAt !== null }),
      nextAttemptAt: iso(r.nextAttemptAt),
      deliveredAt: iso(r.deliveredAt),
      failedAt: iso(r.failedAt),
      acknowledgedAt: iso(r.acknowledgedAt),
    })),
  };
}

export interface DeliveryTotals {
  deliveries: number;
  delivered: number;
  failed: number;
  acknowledged: number;
}

/**
 * Delivered, failed and acknowledged per advisory, for a list of advisories (one grouped read), counting the
 * rows the caller may follow: all of an advisory they wrote (an admin: all), their members' or their own
 * council's otherwise, as `accessTo` decides for one advisory.
 */
export async function deliveryTotals(
  deps: Deps,
  principal: Principal,
  advisoryIds: readonly string[],
): Promise<Map<string, DeliveryTotals>> {
  const out = new Map<string, DeliveryTotals>();
  if (advisoryIds.length === 0) return out;
  const members = authorityScope(deps.db, principal, deliveries.authorityCode);
  const scope =
    principal.role === 'warp' ? or(eq(advisories.warpId, principal.warpId ?? ''), members) : members;
  const rows = await deps.db
    .select({
      id: deliveries.advisoryId,
      deliveries: sql<number>`count(*)`,
      delivered: sumWhen(viewCondition.delivered),
      failed: sumWhen(viewCondition.failed),
      acknowledged: sumWhen(viewCondition.acknowledged),
    })
    .from(deliveries)
    .innerJoin(advisories, eq(advisories.id, deliveries.advisoryId))
    .where(and(inList(deliveries.advisoryId, advisoryIds), scope))
    .groupBy(deliveries.advisoryId);
  for (const r of rows)
    out.set(r.id, {
      deliveries: Number(r.deliveries),
      delivered: Number(r.delivered),
      failed: Number(r.failed),
      acknowledged: Number(r.acknowledged),
    });
  return out;
}
