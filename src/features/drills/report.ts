// A drill's report: per council, the paths tried (channel, target, what became of the message that carried
// it: delivered, failed with the reply, or pending), whether it was reached (any path delivered), its first
// acknowledgement and how long that took (from when its messages were queued); the councils that never
// answered; the paths that failed; and per group (nation, region, WARP, type, and the total) how many
// councils were tried, reached, acknowledged, acknowledged within the window (by the time it closed), and
// the median and 90th percentile of the time to acknowledge (every acknowledgement, late ones included).
// Median: the middle value, or the mean of the two middle ones; 90th percentile: nearest rank (the
// ⌈0.9·n⌉-th smallest). Final once the drill is finished. Scope as for the drill itself (drill-view.ts); a
// WARP operator sees only its members' rows and mobile numbers masked to their last 3 digits.

import { and, asc, eq, sql } from 'drizzle-orm';
import { authorities, drillPaths, outboundMail, smsMessages, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { maskUkMobile } from '../../domain/mobile-number.js';
import type { Principal } from '../../domain/principal.js';
import { authorityScope } from '../auth/scope.js';
import { type DrillView, drillFor, toDrillView } from './drill-view.js';

/**
 * delivered  the mail server or the mobile network took it
 * sent       a text the SMS provider took, with no delivery receipt yet
 * failed     it will not arrive (the reply says why)
 * pending    not sent yet (queued, or being retried)
 */
export type PathDelivery = 'delivered' | 'sent' | 'failed' | 'pending';

export interface ReportPath {
  id: string;
  channel: 'email' | 'sms';
  target: string;
  status: PathDelivery;
  /** For a failure, the reply or failure in the provider's words. */
  failure: string | null;
  acknowledgedAt: string | null;
}

export interface ReportCouncil {
  code: string;
  name: string;
  nation: string;
  region: string;
  warp: string | null;
  type: string;
  paths: ReportPath[];
  reached: boolean;
  /** When its messages were queued (its first path). */
  triedAt: string;
  acknowledgedAt: string | null;
  secondsToAcknowledge: number | null;
  /** Acknowledged by the time the window closed. */
  inWindow: boolean;
  late: boolean;
}

export interface GroupFigures {
  /** The group's key: a nation, region, WARP id or council type code (`total` for all). */
  group: string;
  /** The group in words: the WARP's or the council type's name. */
  label: string;
  councils: number;
  reached: number;
  acknowledged: number;
  acknowledgedInWindow: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface DrillReport {
  drill: DrillView;
  /** The drill is finished: nothing in this report changes any more (a late acknowledgement aside). */
  final: boolean;
  total: GroupFigures;
  groups: { nation: GroupFigures[]; region: GroupFigures[]; warp: GroupFigures[]; type: GroupFigures[] };
  councils: ReportCouncil[];
  neverAnswered: Array<{ code: string; name: string; reached: boolean }>;
  failedPaths: Array<{
    code: string;
    name: string;
    channel: 'email' | 'sms';
    target: string;
    failure: string | null;
  }>;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile90(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.9 * s.length) - 1)]!;
}

function figures(group: string, councils: readonly ReportCouncil[], label = group): GroupFigures {
  const times = councils.flatMap((c) => (c.secondsToAcknowledge === null ? [] : [c.secondsToAcknowledge]));
  return {
    group,
    label,
    councils: councils.length,
    reached: councils.filter((c) => c.reached).length,
    acknowledged: times.length,
    acknowledgedInWindow: councils.filter((c) => c.inWindow).length,
    medianSeconds: median(times),
    p90Seconds: percentile90(times),
  };
}

function groupBy(
  councils: readonly ReportCouncil[],
  key: (c: ReportCouncil) => string,
  labels: ReadonlyMap<string, string> = new Map(),
): GroupFigures[] {
  const groups = new Map<string, ReportCouncil[]>();
  for (const c of councils) {
    const list = groups.get(key(c));
    if (list) list.push(c);
    else groups.set(key(c), [c]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, list]) => figures(g, list, labels.get(g) ?? g));
}

const failedStatuses = new Set(['permanent-failure', 'cancelled']);

export async function drillReport(
  deps: Deps,
  principal: Principal,
  idOrReference: string,
): Promise<DrillReport> {
  const drill = await drillFor(deps, principal, idOrReference);
  const scope = authorityScope(deps.db, principal, drillPaths.authorityCode);
  const rows = await deps.db
    .select({
      id: drillPaths.id,
      code: drillPaths.authorityCode,
      channel: drillPaths.channel,
      target: drillPaths.target,
      acknowledgedAt: drillPaths.acknowledgedAt,
      createdAt: drillPaths.createdAt,
      name: authorities.name,
      nation: authorities.nation,
      region: authorities.region,
      warp: authorities.warpId,
      warpName: warps.name,
      type: authorities.type,
      typeName: authorities.typeName,
      status: sql<string | null>`coalesce(${outboundMail.status}, ${smsMessages.status})`,
      failedAt: sql<number | null>`coalesce(${outboundMail.failedAt}, ${smsMessages.failedAt})`,
      sentAt: smsMessages.sentAt,
      reply: sql<
        string | null
      >`coalesce(${outboundMail.lastReply}, ${smsMessages.lastReply}, ${outboundMail.lastFailure}, ${smsMessages.lastFailure})`,
    })
    .from(drillPaths)
    .leftJoin(authorities, eq(authorities.code, drillPaths.authorityCode))
    .leftJoin(warps, eq(warps.id, authorities.warpId))
    .leftJoin(outboundMail, and(eq(drillPaths.channel, 'email'), eq(outboundMail.id, drillPaths.messageId)))
    .leftJoin(smsMessages, and(eq(drillPaths.channel, 'sms'), eq(smsMessages.id, drillPaths.messageId)))
    .where(and(eq(drillPaths.drillId, drill.id), scope))
    .orderBy(asc(drillPaths.authorityCode), asc(drillPaths.channel), asc(drillPaths.target));

  const masked = principal.role !== 'admin';
  const closesAt = drill.closesAt?.getTime() ?? null;
  const byCouncil = new Map<string, ReportCouncil & { firstAck: number | null; tried: number }>();
  const warpNames = new Map<string, string>([['(none)', 'No WARP']]);
  const typeNames = new Map<string, string>();
  for (const r of rows) {
    let c = byCouncil.get(r.code);
    if (!c) {
      c = {
        code: r.code,
        name: r.name ?? r.code,
        nation: r.nation ?? '',
        region: r.region ?? '',
        warp: r.warp,
        type: r.type ?? '',
        paths: [],
        reached: false,
        triedAt: '',
        acknowledgedAt: null,
        secondsToAcknowledge: null,
        inWindow: false,
        late: false,
        firstAck: null,
        tried: r.createdAt,
      };
      byCouncil.set(r.code, c);
    }
    if (r.warp && r.warpName) warpNames.set(r.warp, r.warpName);
    if (r.type && r.typeName) typeNames.set(r.type, r.typeName);
    const status: PathDelivery =
      r.status === 'delivered'
        ? 'delivered'
        : (r.status && failedStatuses.has(r.status)) || r.failedAt !== null
          ? 'failed'
          : r.channel === 'sms' && r.status === 'sending' && r.sentAt !== null
            ? 'sent'
            : 'pending';
    c.paths.push({
      id: r.id,
      channel: r.channel,
      target: r.channel === 'sms' && masked ? maskUkMobile(r.target) : r.target,
      status,
      failure: status === 'failed' ? (r.reply ?? r.status) : null,
      acknowledgedAt: r.acknowledgedAt === null ? null : new Date(r.acknowledgedAt).toISOString(),
    });
    if (status === 'delivered') c.reached = true;
    c.tried = Math.min(c.tried, r.createdAt);
    if (r.acknowledgedAt !== null && (c.firstAck === null || r.acknowledgedAt < c.firstAck))
      c.firstAck = r.acknowledgedAt;
  }
  const councils: ReportCouncil[] = [...byCouncil.values()].map(({ firstAck, tried, ...c }) => ({
    ...c,
    triedAt: new Date(tried).toISOString(),
    acknowledgedAt: firstAck === null ? null : new Date(firstAck).toISOString(),
    secondsToAcknowledge: firstAck === null ? null : Math.max(0, Math.round((firstAck - tried) / 1000)),
    inWindow: firstAck !== null && closesAt !== null && firstAck <= closesAt,
    late: firstAck !== null && closesAt !== null && firstAck > closesAt,
  }));
  councils.sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));

  return {
    drill: toDrillView(drill),
    final: drill.state === 'finished',
    total: figures('total', councils, 'All councils'),
    groups: {
      nation: groupBy(councils, (c) => c.nation),
      region: groupBy(councils, (c) => c.region),
      warp: groupBy(councils, (c) => c.warp ?? '(none)', warpNames),
      type: groupBy(councils, (c) => c.type, typeNames),
    },
    councils,
    neverAnswered: councils
      .filter((c) => c.acknowledgedAt === null)
      .map((c) => ({ code: c.code, name: c.name, reached: c.reached })),
    failedPaths: councils.flatMap((c) =>
      c.paths
        .filter((p) => p.status === 'failed')
        .map((p) => ({
          code: c.code,
          name: c.name,
          channel: p.channel,
          target: p.target,
          failure: p.failure,
        })),
    ),
  };
}
