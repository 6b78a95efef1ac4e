// Escalation: each delivery escalates on its own clock. A council that had an advisory delivered at T and has
// acknowledged nothing by T + ACK_ESCALATION_HOURS is escalated to its WARP once: each sweep sends each WARP's
// operators ONE e-mail per advisory listing their member councils newly overdue in that run, so a council
// delivered to later (a mailbox confirmed later, a slow retry) is escalated later, not forgotten. Every copy
// of an escalated council is marked (`deliveries.escalated_at`) in the same guarded batch as the `escalate`
// transition and its audit entry, before any mail goes out, so two schedulers racing (or a crash after
// sending) never mail the operators or audit it twice.

import { and, asc, eq, type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import escalationTemplate, { type EscalationCouncil } from '../../../templates/escalation.js';
import { inList } from '../../db/limits.js';
import { advisories, authorities, deliveries, smsMessages, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { composeMessage } from '../../mail/compose.js';
import type { Logger } from '../../ports/logger.js';
import { queueMail } from '../outbound/queue-mail.js';
import { wakeSmsSender } from '../outbound/queue-sms.js';
import { escalationTextStatement } from './sms-heads-up.js';
import { advisoryTransitions } from './transitions.js';
import { operatorAddresses } from './warp-operators.js';

type AdvisoryRow = typeof advisories.$inferSelect;

export interface WarpEscalation {
  warp: string;
  warpName: string;
  councils: string[];
  /** Operator addresses the e-mail was accepted for. */
  sentTo: string[];
}

export interface EscalationResult {
  advisoryId: string;
  reference: string;
  /** False when another run escalated these councils first: nothing was sent by this one. */
  escalated: boolean;
  escalatedAt: string;
  /** Councils (codes) newly escalated: delivered, overdue, and acknowledged nothing. */
  councils: string[];
  warps: WarpEscalation[];
  /** WARPs with unacknowledged members but no operator addresses (logged, nothing sent). */
  warpsWithoutOperators: string[];
  /** Unacknowledged councils in no WARP (logged, nothing sent). */
  councilsWithoutWarp: string[];
}

const hours = (h: number) => Math.round(h * 3600_000);
const urgentSql = sql`(${advisories.severity} = 'critical' or ${advisories.urgent} = 1)`;
const delivered = sql`${deliveries.status} = 'delivered'`;
/** Whether any copy of the council (the group) is marked by `column`. */
const anyMarked = (column: SQLWrapper) => sql`max(${column}) is not null`;

interface Overdue extends EscalationCouncil {
  advisoryId: string;
  warpId: string | null;
  warpName: string | null;
}

/**
 * The councils due to be escalated to their WARP, by advisory: a copy delivered at or before `cutoff`, no copy
 * acknowledged or escalated; for a critical or urgent advisory (unless `skipTexts`), its mobiles texted first
 * and SMS_ESCALATION_GRACE_HOURS passed since (at once when no text went to it). One query for every
 * advisory (or the one given).
 */
async function overdueCouncils(
  deps: Deps,
  options: { cutoff: number; graceCutoff: number; advisoryId?: string; skipTexts?: boolean },
): Promise<Overdue[]> {
  const textedFirst = options.skipTexts
    ? sql`1 = 1`
    : sql`(not ${urgentSql} or (${anyMarked(deliveries.smsEscalatedAt)} and (max(${deliveries.smsEscalatedAt}) <= ${options.graceCutoff}
        or not exists (select 1 from sms_messages s where s.advisory_id = ${deliveries.advisoryId}
          and s.authority_code = ${deliveries.authorityCode} and s.purpose = 'escalation'))))`;
  const rows = await deps.db
    .select({
      advisoryId: deliveries.advisoryId,
      code: authorities.code,
      name: authorities.name,
      warpId: authorities.warpId,
      warpName: warps.name,
      deliveredAt: sql<number>`min(case when ${delivered} then ${deliveries.deliveredAt} end)`,
    })
    .from(deliveries)
    .innerJoin(advisories, eq(advisories.id, deliveries.advisoryId))
    .innerJoin(authorities, eq(authorities.code, deliveries.authorityCode))
    .leftJoin(warps, eq(warps.id, authorities.warpId))
    .where(
      and(
        inList(advisories.state, ['sent', 'sending']),
        eq(advisories.test, false),
        options.advisoryId ? eq(advisories.id, options.advisoryId) : undefined,
      ),
    )
    .groupBy(deliveries.advisoryId, authorities.code, authorities.name, authorities.warpId, warps.name)
    .having(
      sql`sum(case when ${delivered} and ${deliveries.deliveredAt} <= ${options.cutoff} then 1 else 0 end) > 0
        and not ${anyMarked(deliveries.acknowledgedAt)} and not ${anyMarked(deliveries.escalatedAt)} and ${textedFirst}`,
    )
    .orderBy(asc(deliveries.advisoryId), asc(authorities.name), asc(authorities.code));
  return rows.map((r) => ({ ...r, deliveredAt: new Date(Number(r.deliveredAt)) }));
}

/** Rows grouped by advisory, in first-seen order. */
function byAdvisory<T extends { advisoryId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.advisoryId) ?? [];
    list.push(row);
    out.set(row.advisoryId, list);
  }
  return out;
}

/**
 * The guard of an escalation step: no copy of these councils of the advisory is acknowledged or marked by
 * `marks` yet. Uncorrelated, so SQLite evaluates it once per statement.
 */
function noneYet(advisoryId: string, codes: readonly string[], marks: SQL[]): SQL {
  const marked = sql.join(
    [sql`d.acknowledged_at is not null`, ...marks.map((m) => sql`${m} is not null`)],
    sql` or `,
  );
  return sql`not exists (select 1 from deliveries d where d.advisory_id = ${advisoryId}
    and ${inList(sql`d.authority_code`, codes)} and (${marked}))`;
}

/**
 * Marks every copy of these councils (after the advisory's guarded UPDATE): only when that UPDATE set the
 * advisory's mark to this run's time, and never a copy marked already.
 */
function markCopies(
  deps: Deps,
  advisoryId: string,
  codes: readonly string[],
  column: 'escalated_at' | 'sms_escalated_at',
  advisoryMark: SQL,
  now: number,
) {
  return deps.db.run(sql`update deliveries set ${sql.identifier(column)} = ${now}
    where advisory_id = ${advisoryId} and ${inList(sql`authority_code`, codes)} and ${sql.identifier(column)} is null
      and exists (select 1 from advisories where id = ${advisoryId} and ${advisoryMark} = ${now})`);
}

interface WarpGroup {
  name: string;
  councils: Overdue[];
}

/** The overdue councils by WARP, and those in no WARP. */
function groupByWarp(councils: Overdue[]) {
  const byWarp = new Map<string, WarpGroup>();
  const councilsWithoutWarp: string[] = [];
  for (const c of councils) {
    if (!c.warpId) {
      councilsWithoutWarp.push(c.code);
      continue;
    }
    const group = byWarp.get(c.warpId) ?? { name: c.warpName ?? c.warpId, councils: [] };
    group.councils.push(c);
    byWarp.set(c.warpId, group);
  }
  return { byWarp, councilsWithoutWarp };
}

/** Sends one WARP's operators the e-mail; the addresses it was accepted for. */
async function mailOperators(
  deps: Deps,
  log: Logger,
  advisory: AdvisoryRow,
  warpId: string,
  group: WarpGroup,
  addresses: string[],
  now: Date,
): Promise<string[]> {
  const data = {
    serviceName: deps.config.SERVICE_NAME,
    warpName: group.name,
    reference: advisory.reference,
    // A TLP:RED title never travels in the clear (as in approval notices): the reference names it.
    title: advisory.tlp === 'RED' ? null : advisory.title,
    tlp: advisory.tlp,
    releasedAt: advisory.approvedAt ?? advisory.releasedAt ?? advisory.createdAt,
    hours: deps.config.ACK_ESCALATION_HOURS,
    councils: group.councils.map(({ code, name, deliveredAt }) => ({ code, name, deliveredAt })),
    reportUrl: `${deps.config.PUBLIC_BASE_URL}/api/v1/advisories/${advisory.id}/report.csv`,
  };
  const sentTo: string[] = [];
  for (const [i, to] of addresses.entries()) {
    try {
      const message = composeMessage(deps.config, escalationTemplate, data, to, {
        // Unguessable: the genuineness check must not confirm which operators were told from the ids alone.
        messageId: `escalation.${advisory.id}.${warpId}.${now.getTime()}.${i}.${deps.random.secret(9)}`,
        headers: {
          'X-Advisory-Reference': advisory.reference,
          'X-TLP': advisory.tlp,
          'Auto-Submitted': 'auto-generated',
        },
      });
      await queueMail(deps, message, { lane: 'advisories', purpose: 'escalation' });
      sentTo.push(to);
    } catch (err) {
      log.error('escalation e-mail could not be queued', { warp: warpId, to, err });
    }
  }
  return sentTo;
}

/** Escalates these overdue councils of one advisory to their WARPs, once (a lost race sends nothing). */
async function escalateCouncils(
  deps: Deps,
  actor: ActorContext,
  advisory: AdvisoryRow,
  councils: Overdue[],
  now: Date,
): Promise<EscalationResult> {
  const { byWarp, councilsWithoutWarp } = groupByWarp(councils);
  const operators = await operatorAddresses(deps, [...byWarp.keys()]);
  const warpsWithoutOperators = [...byWarp.keys()].filter((w) => !operators.has(w));
  const codes = councils.map((c) => c.code);

  const result: EscalationResult = {
    advisoryId: advisory.id,
    reference: advisory.reference,
    escalated: true,
    escalatedAt: now.toISOString(),
    councils: codes,
    warps: [],
    warpsWithoutOperators,
    councilsWithoutWarp,
  };
  // The marks and the audit entry are written before any mail, and only while none of these councils is
  // acknowledged or escalated: a run that loses the race (another scheduler, an admin's request) sends nothing.
  const marked = await advisoryTransitions.attempt(deps, actor, 'escalate', advisory.id, {
    set: { escalatedAt: now },
    when: and(eq(advisories.test, false), noneYet(advisory.id, codes, [sql`d.escalated_at`])),
    audit: {
      after: {
        councils: codes,
        warps: Object.fromEntries([...byWarp].map(([id, g]) => [id, g.councils.map((c) => c.code)])),
        warpsWithoutOperators,
        councilsWithoutWarp,
      },
    },
    after: [markCopies(deps, advisory.id, codes, 'escalated_at', sql`escalated_at`, now.getTime())],
    at: now,
  });
  if (!marked)
    return { ...result, escalated: false, councils: [], warpsWithoutOperators: [], councilsWithoutWarp: [] };

  const log = deps.log.child({ advisory: advisory.id, reference: advisory.reference });
  if (councilsWithoutWarp.length)
    log.warn('escalation: councils in no WARP were not escalated', { councils: councilsWithoutWarp });
  for (const [warpId, group] of byWarp) {
    const addresses = operators.get(warpId);
    if (!addresses) {
      log.warn('escalation: WARP has no operator addresses', {
        warp: warpId,
        councils: group.councils.map((c) => c.code),
      });
      continue;
    }
    const sentTo = await mailOperators(deps, log, advisory, warpId, group, addresses, now);
    result.warps.push({
      warp: warpId,
      warpName: group.name,
      councils: group.councils.map((c) => c.code),
      sentTo,
    });
  }
  log.info('advisory escalated', {
    councils: result.councils.length,
    warps: result.warps.map((w) => w.warp),
    warpsWithoutOperators,
  });
  return result;
}

async function advisoriesById(deps: Deps, ids: string[]): Promise<Map<string, AdvisoryRow>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.db.select().from(advisories).where(inList(advisories.id, ids));
  return new Map(rows.map((a) => [a.id, a]));
}

export interface TextEscalation {
  advisoryId: string;
  reference: string;
  /** Texts queued to the out-of-hours mobiles of councils that acknowledged nothing. */
  texts: number;
}

/**
 * Councils of critical or urgent advisories due a text: a copy (not cancelled) queued at or before `cutoff`,
 * whether or not its mail arrived (a council whose mail is down is the one to text), and no copy
 * acknowledged, texted or escalated yet.
 */
async function councilsToText(deps: Deps, cutoff: number) {
  return deps.db
    .select({ advisoryId: deliveries.advisoryId, code: sql<string>`${deliveries.authorityCode}` })
    .from(deliveries)
    .innerJoin(advisories, eq(advisories.id, deliveries.advisoryId))
    .where(
      and(
        inList(advisories.state, ['sent', 'sending']),
        eq(advisories.test, false),
        urgentSql,
        sql`${deliveries.authorityCode} is not null`,
      ),
    )
    .groupBy(deliveries.advisoryId, deliveries.authorityCode)
    .having(
      sql`min(case when ${deliveries.status} <> 'cancelled' then ${deliveries.createdAt} end) <= ${cutoff}
        and not ${anyMarked(deliveries.acknowledgedAt)} and not ${anyMarked(deliveries.smsEscalatedAt)}
        and not ${anyMarked(deliveries.escalatedAt)}`,
    )
    .orderBy(asc(deliveries.advisoryId), asc(deliveries.authorityCode));
}

/**
 * The first step for a critical or urgent advisory: ACK_ESCALATION_HOURS after each council's copy went out,
 * the confirmed out-of-hours mobiles of a council that has acknowledged nothing are texted, once, in the same
 * guarded write as the marks. Its WARP is told SMS_ESCALATION_GRACE_HOURS later, if it is still silent then.
 */
export async function textUnacknowledged(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<TextEscalation[]> {
  const now = deps.clock.now();
  const due = byAdvisory(await councilsToText(deps, now.getTime() - hours(deps.config.ACK_ESCALATION_HOURS)));
  const found = await advisoriesById(deps, [...due.keys()]);
  const out: TextEscalation[] = [];
  for (const [advisoryId, rows] of due) {
    const advisory = found.get(advisoryId);
    if (!advisory) continue;
    const codes = rows.map((r) => r.code);
    const marked = await advisoryTransitions.attempt(deps, actor, 'textUnacknowledged', advisoryId, {
      set: { smsEscalatedAt: now },
      when: noneYet(advisoryId, codes, [sql`d.sms_escalated_at`, sql`d.escalated_at`]),
      with: (stillApplies) => [escalationTextStatement(deps, advisoryId, codes, now.getTime(), stillApplies)],
      after: [markCopies(deps, advisoryId, codes, 'sms_escalated_at', sql`sms_escalated_at`, now.getTime())],
      audit: { after: { hours: deps.config.ACK_ESCALATION_HOURS, councils: codes } },
      at: now,
    });
    if (!marked) continue;
    const [queued] = await deps.db
      .select({ n: sql<number>`count(*)` })
      .from(smsMessages)
      .where(
        and(
          eq(smsMessages.advisoryId, advisoryId),
          eq(smsMessages.purpose, 'escalation'),
          inList(smsMessages.authorityCode, codes),
        ),
      );
    const texts = Number(queued?.n ?? 0);
    out.push({ advisoryId, reference: advisory.reference, texts });
    deps.log.info('unacknowledged councils texted', {
      advisory: advisoryId,
      reference: advisory.reference,
      councils: codes.length,
      texts,
    });
  }
  if (out.some((t) => t.texts > 0)) await wakeSmsSender(deps);
  return out;
}

/**
 * The scheduled sweep: escalates every council of an advisory that is sent or sending (not a test, not
 * cancelled) whose copy was delivered at least ACK_ESCALATION_HOURS ago and which has acknowledged nothing and
 * was not escalated yet; for a critical or urgent advisory it texts the council's mobiles first
 * (`textUnacknowledged`) and reaches the WARP SMS_ESCALATION_GRACE_HOURS after that (at once when there was
 * nobody to text). One result per advisory with newly overdue councils. Safe to run from several instances.
 */
export async function escalateUnacknowledged(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<EscalationResult[]> {
  await textUnacknowledged(deps, actor);
  const now = deps.clock.now();
  const overdue = byAdvisory(
    await overdueCouncils(deps, {
      cutoff: now.getTime() - hours(deps.config.ACK_ESCALATION_HOURS),
      graceCutoff: now.getTime() - hours(deps.config.SMS_ESCALATION_GRACE_HOURS),
    }),
  );
  const found = await advisoriesById(deps, [...overdue.keys()]);
  const startedAt = (a: AdvisoryRow) => (a.approvedAt ?? a.releasedAt ?? a.createdAt).getTime();
  const order = [...found.values()].sort((a, b) => startedAt(a) - startedAt(b) || a.id.localeCompare(b.id));
  const results: EscalationResult[] = [];
  for (const advisory of order)
    results.push(await escalateCouncils(deps, actor, advisory, overdue.get(advisory.id) ?? [], now));
  return results;
}

/** Refuses an advisory that cannot be escalated: a test, or not sent. */
function assertEscalatable(advisory: AdvisoryRow): void {
  if (advisory.test) throw new AppError('conflict', 'A test advisory is never escalated.');
  advisoryTransitions.assertCan(advisory, 'escalate');
}

function nothingToEscalate(advisory: AdvisoryRow): AppError {
  const last = advisory.escalatedAt?.toISOString() ?? null;
  return new AppError(
    'conflict',
    `No council is waiting to be escalated: each council that had this advisory delivered has acknowledged it or was escalated already${last ? ` (last on ${last})` : ''}.`,
    { extra: { escalatedAt: last } },
  );
}

async function findAdvisory(deps: Deps, id: string): Promise<AdvisoryRow> {
  const advisory = await deps.db.query.advisories.findFirst({ where: eq(advisories.id, id) });
  if (!advisory) throw new AppError('not_found', `There is no advisory with id "${id}".`);
  return advisory;
}

/**
 * Escalates one advisory now (an admin's request): every council that had it delivered, whenever, and has
 * acknowledged nothing and was not escalated yet, without waiting for texts; 409 when it cannot be escalated
 * or no council is waiting.
 */
export async function escalateAdvisoryNow(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<EscalationResult> {
  const advisory = await findAdvisory(deps, id);
  assertEscalatable(advisory);
  const now = deps.clock.now();
  const councils = await overdueCouncils(deps, {
    cutoff: Number.MAX_SAFE_INTEGER,
    graceCutoff: Number.MAX_SAFE_INTEGER,
    advisoryId: id,
    skipTexts: true,
  });
  if (councils.length === 0) throw nothingToEscalate(advisory);
  const result = await escalateCouncils(deps, actor, advisory, councils, now);
  if (result.escalated) return result;
  // Another run (or a cancellation, or an acknowledgement) got there first: say what it did.
  const current = await findAdvisory(deps, id);
  assertEscalatable(current);
  throw nothingToEscalate(current);
}
