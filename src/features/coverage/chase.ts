// The chase list: current authorities with no confirmed primary mailbox (everything outside the
// `confirmed` bucket), each with what is missing and since when; then, at a lower priority, those that did
// not answer their last finished drill; and, when asked for (`concern=single-path`: at first nearly every
// council has one mailbox), those whose contact paths are a single path. Names, so staff only: the caller's
// scope is a condition in the query (admin: all; WARP operator: its members; council: its own row).

import { and, asc, count, eq, or, type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities, mailboxes, warps } from '../../db/schema.js';
import { liveMailboxStatesSql } from '../../db/vocabulary.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { authorityScope } from '../auth/scope.js';
import { type ChaseContact, chaseContacts, type OfferCounts } from './chase-contacts.js';
import { contactPathsOf } from './contact-paths-query.js';
import { lastDrillsOf, RESPONSIVE_HOURS, unresponsiveCodesSql } from './drill-response.js';
import { type Bucket, bucketOfRank, mailboxRankSql, rank } from './mailbox-state.js';
import { type CoverageFilters, coverageFilter } from './report-filters.js';

/** What an authority outside the confirmed bucket lacks. */
export const missingKinds = [
  'no-mailbox',
  'no-primary',
  'awaiting-approval',
  'pending-confirmation',
  'stale',
  'unreachable',
] as const;
export type Missing = (typeof missingKinds)[number];

export const chaseBuckets = ['stale', 'unreachable', 'pending', 'none'] as const satisfies readonly Bucket[];
export type ChaseBucket = (typeof chaseBuckets)[number];

/**
 * Lower-priority reasons to chase a council, whatever its bucket:
 *   unresponsive  did not acknowledge its last finished drill within 24 hours (listed by default)
 *   single-path   its confirmed contact paths are one path (listed when asked for)
 */
export const chaseConcerns = ['unresponsive', 'single-path'] as const;
export type ChaseConcern = (typeof chaseConcerns)[number];

export interface ChaseQuery extends CoverageFilters {
  /** Only these buckets (default: every bucket but confirmed). */
  bucket?: ChaseBucket[];
  /** Only councils with these concerns (default: the buckets, and the councils that did not answer a drill). */
  concern?: ChaseConcern[];
  /** Only these authorities (register codes). */
  codes?: string[];
  limit: number;
  offset: number;
}

export interface ChaseItem {
  code: string;
  name: string;
  nation: string;
  region: string;
  type: string;
  typeName: string;
  warp: { id: string; name: string } | null;
  /** `confirmed` for a council listed only for a concern. */
  bucket: Bucket;
  /** What it lacks; null for a council listed only for a concern. */
  missing: Missing | null;
  /** When the gap began (ISO 8601): registered, stale or unreachable since; null when it never had a mailbox. */
  since: string | null;
  /** The gap in words, e.g. "Pending confirmation since 3 November 2026" (or its first concern's words). */
  reason: string;
  /** Its lower-priority concerns, in words ("Did not answer the last drill, …", "Single path: …"). */
  concerns: Array<{ kind: ChaseConcern; reason: string }>;
  /** The addresses it has registered (in use), with who answers and their phone. */
  contacts: ChaseContact[];
  /** When it was last sent a reminder from the chase list (ISO 8601), or null. */
  lastChasedAt: string | null;
  /** A successor council: its predecessors' mailboxes offered to it, by answer. */
  offers: OfferCounts;
}

export interface ChaseList {
  items: ChaseItem[];
  total: number;
  limit: number;
  offset: number;
}

const live = liveMailboxStatesSql;
const r = mailboxRankSql;
const bestSql = sql<number>`coalesce(max(${r}), 0)`;
const bucketRanks: Record<ChaseBucket, number[]> = {
  stale: [rank.stale],
  unreachable: [rank.unreachable],
  pending: [rank.pending],
  // A registration waiting for an admin receives nothing yet: the council still counts as having none.
  none: [rank.none, rank.awaitingApproval],
};

/** The councils in the caller's scope whose contact paths are a single path (judged in code, in batches). */
async function singlePathCodes(
  deps: Deps,
  principal: Principal,
  q: Omit<ChaseQuery, 'limit' | 'offset'>,
): Promise<string[]> {
  const rows = await deps.db
    .select({ code: authorities.code })
    .from(authorities)
    .where(
      and(
        eq(authorities.current, true),
        coverageFilter(q),
        q.codes ? inList(authorities.code, q.codes) : undefined,
        authorityScope(deps.db, principal, authorities.code),
      ),
    );
  const paths = await contactPathsOf(
    deps,
    rows.map((r) => r.code),
  );
  return [...paths].filter(([, p]) => p.paths.length > 0 && !p.resilient).map(([code]) => code);
}

/** 0 for a gap (no confirmed primary), 1 for a council that did not answer its last drill, 2 for the rest. */
const prioritySql = sql<number>`(case when ${sql`coalesce(max(${mailboxRankSql}), 0)`} < ${rank.confirmed} then 0
  when ${authorities.code} in ${unresponsiveCodesSql} then 1 else 2 end)`;

function chaseQuery(
  deps: Deps,
  principal: Principal,
  q: Omit<ChaseQuery, 'limit' | 'offset'>,
  singlePath: string[] = [],
) {
  const { db } = deps;
  const gap = sql`${bestSql} < ${rank.confirmed}`;
  const unresponsive = sql`${authorities.code} in ${unresponsiveCodesSql}`;
  const having: SQL[] = [];
  if (q.concern?.length) {
    const wanted: SQL[] = [];
    if (q.concern.includes('unresponsive')) wanted.push(unresponsive);
    if (q.concern.includes('single-path')) wanted.push(inList(authorities.code, singlePath));
    having.push(or(...wanted)!);
  } else if (q.bucket?.length) having.push(gap);
  else having.push(or(gap, unresponsive)!);
  if (q.bucket?.length) {
    const ranks = q.bucket.flatMap((b) => bucketRanks[b]);
    having.push(
      sql`${bestSql} in (${sql.join(
        ranks.map((n) => sql.raw(String(n))),
        sql`, `,
      )})`,
    );
  }
  return db
    .select({
      code: authorities.code,
      name: authorities.name,
      nation: authorities.nation,
      region: authorities.region,
      type: authorities.type,
      typeName: authorities.typeName,
      warpId: authorities.warpId,
      warpName: sql<string | null>`max(${warps.name})`.as('warp_name'),
      best: bestSql.as('best'),
      staleSince: sql<number | null>`min(case when ${r} = ${rank.stale} then ${mailboxes.staleAt} end)`.as(
        'stale_since',
      ),
      unreachableSince: sql<
        number | null
      >`min(case when ${r} = ${rank.unreachable} then ${mailboxes.unreachableAt} end)`.as(
        'unreachable_since',
      ),
      pendingSince: sql<
        number | null
      >`min(case when ${r} = ${rank.pending} then coalesce(${mailboxes.approvedAt}, ${mailboxes.createdAt}) end)`.as(
        'pending_since',
      ),
      awaitingSince: sql<
        number | null
      >`min(case when ${r} = ${rank.awaitingApproval} then ${mailboxes.createdAt} end)`.as('awaiting_since'),
      lostSince: sql<
        number | null
      >`max(case when ${mailboxes.kind} = 'primary' and ${mailboxes.state} = 'retired' then ${mailboxes.retiredAt} end)`.as(
        'lost_since',
      ),
      others:
        sql<number>`sum(case when ${mailboxes.kind} <> 'primary' and ${mailboxes.state} in (${live}) then 1 else 0 end)`.as(
          'others',
        ),
    })
    .from(authorities)
    .leftJoin(mailboxes, eq(mailboxes.authorityCode, authorities.code))
    .leftJoin(warps, eq(warps.id, authorities.warpId))
    .where(
      and(
        eq(authorities.current, true),
        coverageFilter(q),
        q.codes ? inList(authorities.code, q.codes) : undefined,
        authorityScope(db, principal, authorities.code),
      ),
    )
    .groupBy(authorities.code)
    .having(and(...having));
}

const ukDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});

/** "3 November 2026". */
export function ukDay(ms: number | Date): string {
  return ukDate.format(typeof ms === 'number' ? new Date(ms) : ms);
}

type Row = Awaited<ReturnType<typeof chaseQuery>>[number];

function describe(row: Row): { missing: Missing; since: number | null; reason: string } {
  const n = (v: number | null) => (v === null || v === undefined ? null : Number(v));
  const best = Number(row.best);
  if (best === rank.stale) {
    const since = n(row.staleSince);
    return { missing: 'stale', since, reason: `Stale (not re-confirmed) since ${ukDay(since ?? 0)}` };
  }
  if (best === rank.unreachable) {
    const since = n(row.unreachableSince);
    return { missing: 'unreachable', since, reason: `Unreachable since ${ukDay(since ?? 0)}` };
  }
  if (best === rank.pending) {
    const since = n(row.pendingSince);
    return {
      missing: 'pending-confirmation',
      since,
      reason: `Pending confirmation since ${ukDay(since ?? 0)}`,
    };
  }
  if (best === rank.awaitingApproval) {
    const since = n(row.awaitingSince);
    return { missing: 'awaiting-approval', since, reason: `Awaiting approval since ${ukDay(since ?? 0)}` };
  }
  const since = n(row.lostSince);
  const others = Number(row.others ?? 0) > 0;
  const missing: Missing = others ? 'no-primary' : 'no-mailbox';
  const what = others ? 'No primary mailbox (only a secondary or out-of-hours one)' : 'No mailbox at all';
  return { missing, since, reason: since === null ? what : `${what} since ${ukDay(since)}` };
}

type Known = Awaited<ReturnType<typeof chaseContacts>> & Awaited<ReturnType<typeof concernsOf>>;

/** The concerns of the councils on a page (their paths and last drills: a few statements, in batches). */
async function concernsOf(deps: Deps, codes: string[]) {
  const [paths, drills] = await Promise.all([contactPathsOf(deps, codes), lastDrillsOf(deps, codes)]);
  const concerns = new Map<string, ChaseItem['concerns']>();
  for (const code of codes) {
    const list: ChaseItem['concerns'] = [];
    const drill = drills.get(code);
    if (drill && !drill.responsive)
      list.push({
        kind: 'unresponsive',
        reason: `Did not answer the last drill (${drill.reference}, started ${ukDay(drill.startedAt)}) within ${RESPONSIVE_HOURS} hours`,
      });
    const p = paths.get(code);
    const finding = p?.findings.find((f) => f.severity === 'warning');
    if (p && p.paths.length > 0 && !p.resilient && finding) {
      const words = finding.message.includes(finding.action)
        ? finding.message
        : `${finding.message}: ${finding.action}`;
      list.push({ kind: 'single-path', reason: `${words.charAt(0).toUpperCase()}${words.slice(1)}` });
    }
    concerns.set(code, list);
  }
  return { concerns };
}

function toItem(row: Row, known: Known): ChaseItem {
  const gap = Number(row.best) < rank.confirmed;
  const d = gap ? describe(row) : null;
  const concerns = known.concerns.get(row.code) ?? [];
  return {
    code: row.code,
    name: row.name,
    nation: row.nation,
    region: row.region,
    type: row.type,
    typeName: row.typeName,
    warp: row.warpId ? { id: row.warpId, name: row.warpName ?? row.warpId } : null,
    bucket: bucketOfRank(Number(row.best)),
    missing: d?.missing ?? null,
    since: d?.since === null || d?.since === undefined ? null : new Date(d.since).toISOString(),
    reason: d?.reason ?? concerns[0]?.reason ?? '',
    concerns,
    contacts: known.contacts.get(row.code) ?? [],
    lastChasedAt: known.lastChased.get(row.code)?.toISOString() ?? null,
    offers: known.offers.get(row.code) ?? { offered: 0, accepted: 0, declined: 0 },
  };
}

async function knownAbout(deps: Deps, codes: string[]): Promise<Known> {
  const [contacts, concerns] = await Promise.all([chaseContacts(deps, codes), concernsOf(deps, codes)]);
  return { ...contacts, ...concerns };
}

/** Gaps first, then councils that did not answer a drill, then the rest; by name within each. */
const chaseOrder = () => [asc(prioritySql), asc(authorities.name), asc(authorities.code)];

/** A page of the chase list, by priority and name, within the caller's scope, with the total. */
export async function chaseList(deps: Deps, principal: Principal, q: ChaseQuery): Promise<ChaseList> {
  const singlePath = q.concern?.includes('single-path') ? await singlePathCodes(deps, principal, q) : [];
  const base = chaseQuery(deps, principal, q, singlePath);
  const [rows, [total]] = await Promise.all([
    base
      .orderBy(...chaseOrder())
      .limit(q.limit)
      .offset(q.offset),
    deps.db.select({ n: count() }).from(chaseQuery(deps, principal, q, singlePath).as('chase')),
  ]);
  const known = await knownAbout(
    deps,
    rows.map((r) => r.code),
  );
  return { items: rows.map((r) => toItem(r, known)), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
}

/** The whole chase list (for the CSV), in the same order. */
export async function fullChaseList(
  deps: Deps,
  principal: Principal,
  q: Omit<ChaseQuery, 'limit' | 'offset'>,
): Promise<ChaseItem[]> {
  const singlePath = q.concern?.includes('single-path') ? await singlePathCodes(deps, principal, q) : [];
  const rows = await chaseQuery(deps, principal, q, singlePath).orderBy(...chaseOrder());
  const known = await knownAbout(
    deps,
    rows.map((r) => r.code),
  );
  return rows.map((r) => toItem(r, known));
}

/** The authority codes in a chase bucket filter, validated (for the routes). */
export const isChaseBucket = (v: string): v is ChaseBucket => (chaseBuckets as readonly string[]).includes(v);

export const isChaseConcern = (v: string): v is ChaseConcern =>
  (chaseConcerns as readonly string[]).includes(v);
