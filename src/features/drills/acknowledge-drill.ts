// Acknowledging a drill through the link in its e-mail or text. The signed token names the path; a token
// we did not sign (or signed for something else), a path that does not exist, or a drill that is not
// running or finished is "not valid", and nothing changes. The first acknowledgement of a path is kept
// (guarded "not yet"); one after the window closed is recorded all the same, and the report counts it late.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities, drillPaths, drills } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { verifySignedToken } from '../advisories/signing-key.js';
import { DRILL_ACK_PURPOSE } from './drill-paths.js';
import { drillPathTransitions } from './transitions.js';

export interface DrillAckView {
  pathId: string;
  channel: 'email' | 'sms';
  reference: string;
  drillId: string;
  closesAt: Date | null;
  authority: { code: string; name: string };
  acknowledgedAt: Date | null;
}

const acknowledgeable = ['running', 'finished'] as const;

export async function inspectDrillAck(deps: Deps, token: string): Promise<DrillAckView | null> {
  const id = await verifySignedToken(deps, DRILL_ACK_PURPOSE, token);
  if (!id) return null;
  const [row] = await deps.db
    .select({
      pathId: drillPaths.id,
      channel: drillPaths.channel,
      acknowledgedAt: drillPaths.acknowledgedAt,
      authorityCode: drillPaths.authorityCode,
      authorityName: authorities.name,
      drillId: drills.id,
      reference: drills.reference,
      state: drills.state,
      closesAt: drills.closesAt,
    })
    .from(drillPaths)
    .innerJoin(drills, eq(drills.id, drillPaths.drillId))
    .leftJoin(authorities, eq(authorities.code, drillPaths.authorityCode))
    .where(eq(drillPaths.id, id))
    .limit(1);
  if (!row || !(acknowledgeable as readonly string[]).includes(row.state)) return null;
  return {
    pathId: row.pathId,
    channel: row.channel,
    reference: row.reference,
    drillId: row.drillId,
    closesAt: row.closesAt,
    authority: { code: row.authorityCode, name: row.authorityName ?? row.authorityCode },
    acknowledgedAt: row.acknowledgedAt === null ? null : new Date(row.acknowledgedAt),
  };
}

export type DrillAckOutcome =
  | { state: 'unknown' }
  | { state: 'acknowledged' | 'already'; view: DrillAckView; late: boolean };

/** Acknowledged after its drill's window closed (counted, as late). */
export const isLate = (view: Pick<DrillAckView, 'closesAt'>, at: Date) =>
  view.closesAt !== null && at > view.closesAt;

/** Whoever followed the path's link: they proved they read that mailbox or phone. */
function linkFollower(view: DrillAckView): Principal {
  return {
    actor: `drill-path:${view.pathId}`,
    label: view.channel === 'email' ? 'mailbox holder' : 'mobile holder',
    role: 'council',
    warpId: null,
    authorityCode: view.authority.code,
    via: 'link',
  };
}

export async function acknowledgeDrillPath(
  deps: Deps,
  token: string,
  request: { requestId?: string; ip?: string } = {},
): Promise<DrillAckOutcome> {
  const view = await inspectDrillAck(deps, token);
  if (!view) return { state: 'unknown' };
  if (view.acknowledgedAt) return { state: 'already', view, late: isLate(view, view.acknowledgedAt) };
  const now = deps.clock.now();
  const late = isLate(view, now);
  const applied = await drillPathTransitions.attempt(
    deps,
    { principal: linkFollower(view), requestId: request.requestId, ip: request.ip },
    'acknowledge',
    view.pathId,
    {
      set: { acknowledgedAt: now.getTime() },
      when: and(
        isNull(drillPaths.acknowledgedAt),
        sql`exists (select 1 from ${drills} where ${drills.id} = ${drillPaths.drillId} and ${inList(drills.state, acknowledgeable)})`,
      ),
      audit: {
        after: {
          drill: view.reference,
          authorityCode: view.authority.code,
          channel: view.channel,
          acknowledgedAt: now.toISOString(),
          late,
        },
      },
      at: now,
    },
  );
  if (!applied) {
    const kept = await inspectDrillAck(deps, token);
    if (!kept?.acknowledgedAt) return { state: 'unknown' };
    return { state: 'already', view: kept, late: isLate(kept, kept.acknowledgedAt) };
  }
  return { state: 'acknowledged', view: { ...view, acknowledgedAt: now }, late };
}
