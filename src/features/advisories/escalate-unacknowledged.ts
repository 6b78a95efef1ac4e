// Escalation: once an advisory has been out for ACK_ESCALATION_HOURS, each WARP's operators get ONE e-mail
// listing their member councils that had it delivered but acknowledged nothing. It happens once per
// advisory: the `escalate` transition sets `escalatedAt`, with the audit entry, before any mail goes out, so
// two schedulers racing (or a crash after sending) never mail the operators or audit it twice.

import { and, asc, eq, isNull, sql } from 'drizzle-orm';
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
  /** False when another run escalated it first: nothing was sent by this one. */
  escalated: boolean;
  escalatedAt: string;
  /** Councils (codes) that had it delivered and acknowledged nothing. */
  councils: string[];
  warps: WarpEscalation[];
  /** WARPs with unacknowledged members but no operator addresses (logged, nothing sent). */
  warpsWithoutOperators: string[];
  /** Unacknowledged councils in no WARP (logged, nothing sent). */
  councilsWithoutWarp: string[];
}

/** When sending started: the second admin's approval when one was needed, else the release. */
const startedAt = sql`coalesce(${advisories.approvedAt}, ${advisories.releasedAt})`;

interface Unacknowledged extends EscalationCouncil {
  warpId: string | null;
  warpName: string | null;
}

/** Councils with at least one delivered delivery and no acknowledged one, by name. */
async function unacknowledgedCouncils(deps: Deps, advisoryId: string): Promise<Unacknowledged[]> {
  const delivered = sql`${deliveries.status} = 'delivered'`;
  const rows = await deps.db
    .select({
      code: authorities.code,
      name: authorities.name,
      warpId: authorities.warpId,
      warpName: warps.name,
      deliveredAt: sql<number>`min(case when ${delivered} then ${deliveries.deliveredAt} end)`,
    })
    .from(deliveries)
    .innerJoin(authorities, eq(authorities.code, deliveries.authorityCode))
    .leftJoin(warps, eq(warps.id, authorities.warpId))
    .where(eq(deliveries.advisoryId, advisoryId))
    .groupBy(authorities.code, authorities.name, authorities.warpId, warps.name)
    .having(
      sql`sum(case when ${delivered} then 1 else 0 end) > 0 and sum(case when ${deliveries.acknowledgedAt} is not null then 1 else 0 end) = 0`,
    )
    .orderBy(asc(authorities.name), asc(authorities.code));
  return rows.map((r) => ({ ...r, deliveredAt: new Date(Number(r.deliveredAt)) }));
}

interface WarpGroup {
  name: string;
  councils: Unacknowledged[];
}

/** The unacknowledged councils by WARP, and those in no WARP. */
function groupByWarp(councils: Unacknowledged[]) {
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
): Promise<string[]> {
  const data = {
    serviceName: deps.config.SERVICE_NAME,
    warpName: group.name,
    reference: advisory.reference,
    title: advisory.title,
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
        messageId: `escalation.${advisory.id}.${warpId}.${i}`,
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

async function escalateOne(
  deps: Deps,
  actor: ActorContext,
  advisory: AdvisoryRow,
): Promise<EscalationResult> {
  const now = deps.clock.now();
  const councils = await unacknowledgedCouncils(deps, advisory.id);
  const { byWarp, councilsWithoutWarp } = groupByWarp(councils);
  const operators = await operatorAddresses(deps, [...byWarp.keys()]);
  const warpsWithoutOperators = [...byWarp.keys()].filter((w) => !operators.has(w));

  const result: EscalationResult = {
    advisoryId: advisory.id,
    reference: advisory.reference,
    escalated: true,
    escalatedAt: now.toISOString(),
    councils: councils.map((c) => c.code),
    warps: [],
    warpsWithoutOperators,
    councilsWithoutWarp,
  };
  // The mark and its audit entry are written before any mail, and only once: a run that loses the race
  // (another scheduler, or an admin's request) sends nothing.
  const marked = await advisoryTransitions.attempt(deps, actor, 'escalate', advisory.id, {
    set: { escalatedAt: now },
    when: and(isNull(advisories.escalatedAt), eq(advisories.test, false)),
    audit: {
      after: {
        councils: result.councils,
        warps: Object.fromEntries([...byWarp].map(([id, g]) => [id, g.councils.map((c) => c.code)])),
        warpsWithoutOperators,
        councilsWithoutWarp,
      },
    },
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
    const sentTo = await mailOperators(deps, log, advisory, warpId, group, addresses);
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

export interface TextEscalation {
  advisoryId: string;
  reference: string;
  /** Texts queued to the out-of-hours mobiles of councils that acknowledged nothing. */
  texts: number;
}

const urgentSql = sql`(${advisories.severity} = 'critical' or ${advisories.urgent} = 1)`;

/**
 * The first step for a critical or urgent advisory: once it has been out ACK_ESCALATION_HOURS, the
 * confirmed out-of-hours mobiles of every council that has acknowledged nothing (whether or not its mail
 * arrived) are texted, once, in the same guarded write as the mark. Their WARPs are told
 * SMS_ESCALATION_GRACE_HOURS later, of the councils still silent then.
 */
export async function textUnacknowledged(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<TextEscalation[]> {
  const now = deps.clock.now();
  const cutoff = now.getTime() - Math.round(deps.config.ACK_ESCALATION_HOURS * 3600_000);
  const due = await deps.db
    .select({ id: advisories.id, reference: advisories.reference })
    .from(advisories)
    .where(
      and(
        inList(advisories.state, ['sent', 'sending']),
        eq(advisories.test, false),
        isNull(advisories.escalatedAt),
        isNull(advisories.smsEscalatedAt),
        urgentSql,
        sql`${startedAt} <= ${cutoff}`,
      ),
    )
    .orderBy(asc(startedAt), asc(advisories.id));
  const out: TextEscalation[] = [];
  for (const advisory of due) {
    const marked = await advisoryTransitions.attempt(deps, actor, 'textUnacknowledged', advisory.id, {
      set: { smsEscalatedAt: now },
      when: and(isNull(advisories.smsEscalatedAt), isNull(advisories.escalatedAt)),
      with: (stillApplies) => [escalationTextStatement(deps, advisory.id, now.getTime(), stillApplies)],
      audit: { after: { hours: deps.config.ACK_ESCALATION_HOURS } },
      at: now,
    });
    if (!marked) continue;
    const [queued] = await deps.db
      .select({ n: sql<number>`count(*)` })
      .from(smsMessages)
      .where(and(eq(smsMessages.advisoryId, advisory.id), eq(smsMessages.purpose, 'escalation')));
    const texts = Number(queued?.n ?? 0);
    out.push({ advisoryId: advisory.id, reference: advisory.reference, texts });
    deps.log.info('unacknowledged councils texted', {
      advisory: advisory.id,
      reference: advisory.reference,
      texts,
    });
  }
  if (out.some((t) => t.texts > 0)) await wakeSmsSender(deps);
  return out;
}

/**
 * The scheduled sweep: escalates every advisory that is sent or sending (not a test, not cancelled), started
 * at least ACK_ESCALATION_HOURS ago and not escalated yet; a critical or urgent one texts the councils'
 * mobiles first (`textUnacknowledged`) and reaches the WARPs SMS_ESCALATION_GRACE_HOURS after that (at
 * once when there was nobody to text). Safe to run from several instances at once.
 */
export async function escalateUnacknowledged(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<EscalationResult[]> {
  await textUnacknowledged(deps, actor);
  const now = deps.clock.now().getTime();
  const cutoff = now - Math.round(deps.config.ACK_ESCALATION_HOURS * 3600_000);
  const graceCutoff = now - Math.round(deps.config.SMS_ESCALATION_GRACE_HOURS * 3600_000);
  const textedFirst = sql`(not ${urgentSql} or (${advisories.smsEscalatedAt} is not null and (${advisories.smsEscalatedAt} <= ${graceCutoff}
    or not exists (select 1 from sms_messages s where s.advisory_id = ${advisories.id} and s.purpose = 'escalation'))))`;
  const due = await deps.db
    .select()
    .from(advisories)
    .where(
      and(
        inList(advisories.state, ['sent', 'sending']),
        eq(advisories.test, false),
        isNull(advisories.escalatedAt),
        sql`${startedAt} <= ${cutoff}`,
        textedFirst,
      ),
    )
    .orderBy(asc(startedAt), asc(advisories.id));
  const results: EscalationResult[] = [];
  for (const advisory of due) results.push(await escalateOne(deps, actor, advisory));
  return results;
}

/** Refuses an advisory that cannot be escalated (now): a test, not sent, or escalated already. */
function assertEscalatable(advisory: AdvisoryRow): void {
  if (advisory.test) throw new AppError('conflict', 'A test advisory is never escalated.');
  advisoryTransitions.assertCan(advisory, 'escalate');
  if (advisory.escalatedAt)
    throw new AppError(
      'conflict',
      `This advisory was already escalated on ${advisory.escalatedAt.toISOString()}.`,
      { extra: { escalatedAt: advisory.escalatedAt.toISOString() } },
    );
}

async function findAdvisory(deps: Deps, id: string): Promise<AdvisoryRow> {
  const advisory = await deps.db.query.advisories.findFirst({ where: eq(advisories.id, id) });
  if (!advisory) throw new AppError('not_found', `There is no advisory with id "${id}".`);
  return advisory;
}

/** Escalates one advisory now, whatever its age (an admin's request); 409 when it cannot or already was. */
export async function escalateAdvisoryNow(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<EscalationResult> {
  const advisory = await findAdvisory(deps, id);
  assertEscalatable(advisory);
  const result = await escalateOne(deps, actor, advisory);
  if (result.escalated) return result;
  // Another run (or a cancellation) got there first: say what it did.
  const now = await findAdvisory(deps, id);
  assertEscalatable(now);
  throw advisoryTransitions.conflict('escalate', now.state);
}
