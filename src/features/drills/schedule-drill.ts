// Scheduling a drill: an admin for any audience, a WARP operator for its own members only (refused
// otherwise, nothing written), a council never. Saved `scheduled` under its reference with its audit entry
// in one write; the scheduler starts it when its time comes (or its author says "start now").
import { and, eq, sql } from 'drizzle-orm';
import { type Audience, authorities, drills, mailboxes, mobileNumbers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { DrillRecurrence } from '../../domain/drill-states.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { audienceCondition } from '../advisories/audience.js';
import { checkAudience } from '../advisories/audience-check.js';
import { auditEntry } from '../audit/record.js';
import { smsUsable } from './drill-paths.js';
import { withDrillReference } from './drill-reference.js';
import { assertMayRunDrills, type DrillRow, type DrillView, toDrillView } from './drill-view.js';

export interface DrillInput {
  audience: Audience;
  /** When to start; now when absent (the next scheduler run, or "start now"). */
  scheduledFor?: Date;
  windowHours?: number;
  recurrence?: DrillRecurrence;
}

/** A little slack for a form filled in "now" and submitted a moment later. */
const PAST_SLACK_MS = 5 * 60_000;

/** Checks the input as `scheduleDrill` would (audience scope, names that exist, the date), writing nothing. */
export async function checkDrillInput(deps: Deps, principal: Principal, input: DrillInput): Promise<void> {
  assertMayRunDrills(principal);
  await checkAudience(deps, principal, input.audience);
  if (input.scheduledFor && input.scheduledFor.getTime() < deps.clock.now().getTime() - PAST_SLACK_MS)
    throw new AppError('validation_failed', 'A drill cannot be scheduled in the past.', {
      errors: [{ path: 'scheduledFor', message: 'Choose a time from now on' }],
    });
}

export async function scheduleDrill(deps: Deps, actor: ActorContext, input: DrillInput): Promise<DrillView> {
  const principal = actor.principal;
  await checkDrillInput(deps, principal, input);
  const now = deps.clock.now();
  const warpId = principal.role === 'warp' ? principal.warpId : null;
  return withDrillReference(deps, async (reference) => {
    const row: DrillRow = {
      id: deps.random.id(),
      reference,
      audience: input.audience,
      warpId,
      state: 'scheduled',
      scheduledFor: input.scheduledFor ?? now,
      windowHours: input.windowHours ?? 24,
      recurrence: input.recurrence ?? 'none',
      previousId: null,
      createdBy: principal.actor,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      closesAt: null,
      finishedAt: null,
      cancelledBy: null,
      cancelledAt: null,
    };
    await deps.db.batch([
      deps.db.insert(drills).values(row),
      auditEntry(deps.db, actor, now, {
        action: 'drill.schedule',
        subjectType: 'drill',
        subjectId: row.id,
        after: scheduledFields(row),
      }),
    ]);
    return toDrillView(row);
  });
}

/** What the audit log records of a scheduled drill. */
export function scheduledFields(row: DrillRow) {
  return {
    reference: row.reference,
    audience: row.audience,
    warp: row.warpId,
    scheduledFor: row.scheduledFor.toISOString(),
    windowHours: row.windowHours,
    recurrence: row.recurrence,
    previousId: row.previousId,
    state: row.state,
  };
}

export interface DrillPreview {
  /** Councils in the audience. */
  councils: number;
  /** Of them, councils with at least one path the drill would try. */
  councilsWithPaths: number;
  mailboxes: number;
  mobiles: number;
  paths: number;
  /** Councils in the audience with no path at all (nothing confirmed). */
  withoutPath: Array<{ code: string; name: string }>;
  /** False when SMS cannot be sent: the drill would go by e-mail only. */
  sms: boolean;
}

/** Who a drill to this audience would reach now, as the caller may address it: for check-your-answers. */
export async function previewDrill(
  deps: Deps,
  principal: Principal,
  audience: Audience,
): Promise<DrillPreview> {
  assertMayRunDrills(principal);
  const withSms = smsUsable(deps);
  const rows = await deps.db
    .select({
      code: authorities.code,
      name: authorities.name,
      mailboxes: sql<number>`(select count(*) from ${mailboxes} where ${mailboxes.authorityCode} = ${authorities.code} and ${eq(mailboxes.state, 'confirmed')})`,
      mobiles: withSms
        ? sql<number>`(select count(*) from ${mobileNumbers} where ${mobileNumbers.authorityCode} = ${authorities.code} and ${and(eq(mobileNumbers.state, 'confirmed'), sql`${mobileNumbers.unreachableAt} is null`)})`
        : sql<number>`0`,
    })
    .from(authorities)
    .where(audienceCondition(audience, principal))
    .orderBy(authorities.name);
  const boxes = rows.reduce((n, r) => n + Number(r.mailboxes), 0);
  const mobiles = rows.reduce((n, r) => n + Number(r.mobiles), 0);
  const without = rows.filter((r) => Number(r.mailboxes) + Number(r.mobiles) === 0);
  return {
    councils: rows.length,
    councilsWithPaths: rows.length - without.length,
    mailboxes: boxes,
    mobiles,
    paths: boxes + mobiles,
    withoutPath: without.map((r) => ({ code: r.code, name: r.name })),
    sms: withSms,
  };
}
