// The second channel for advisories that cannot wait: a critical advisory, or one an admin marked urgent,
// texts a heads-up to the confirmed out-of-hours mobiles of the councils in its audience as it goes out, and
// texts again those that have acknowledged nothing when it is escalated, before their WARP is told. A text
// never carries the advisory's content (above TLP:CLEAR it must not; at CLEAR there is no need): only that
// an urgent advisory is waiting for the council, its reference, and a link to acknowledge it or sign in.
//
// The rows are written with the change that causes them (the release, the escalation), in the same guarded
// batch; their text is composed when they are sent (`headsUpTexts`), with a link signed on the row's id.
import { type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { advisories, authorities, type smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { senderOf } from './advisory-scope.js';
import { audienceCondition } from './audience.js';
import { signedToken } from './signing-key.js';

type AdvisoryRow = typeof advisories.$inferSelect;
type SmsRow = typeof smsMessages.$inferSelect;

/** The purpose of a signed link in a text (its id is the text's). */
export const SMS_LINK_PURPOSE = 'sms-ack';

/** Whether an advisory texts a heads-up: critical or marked urgent, and not a test. */
export function textsHeadsUp(advisory: Pick<AdvisoryRow, 'severity' | 'urgent' | 'test'>): boolean {
  return !advisory.test && (advisory.severity === 'critical' || advisory.urgent);
}

const reachableMobile = sql`m.state = 'confirmed' and m.unreachable_at is null`;

function insertTexts(
  deps: Deps,
  purpose: 'heads-up' | 'escalation',
  advisoryId: string,
  now: number,
  where: SQL,
) {
  const deadline = now + Math.round(deps.config.DELIVERY_DEADLINE_HOURS * 3600_000);
  return deps.db.run(sql`
    insert into sms_messages (id, purpose, mobile_id, authority_code, to_number, advisory_id, status, attempts,
      next_attempt_at, deadline_at, created_at)
    select lower(hex(randomblob(13))), ${purpose}, m.id, m.authority_code, m.number, ${advisoryId}, 'created', 0,
      ${now}, ${deadline}, ${now}
    from mobile_numbers m join authorities on authorities.code = m.authority_code
    where ${reachableMobile} and ${where}
    on conflict do nothing`);
}

/** The statement that queues the heads-ups of a release (if `stillApplies`), or none. */
export function headsUpStatements(
  deps: Deps,
  advisory: AdvisoryRow,
  now: number,
  stillApplies: SQL,
): BatchItem[] {
  if (!textsHeadsUp(advisory)) return [];
  const inAudience = audienceCondition(advisory.audience, senderOf(advisory));
  return [insertTexts(deps, 'heads-up', advisory.id, now, sql`${inAudience} and ${stillApplies}`)];
}

/**
 * The statement that texts these councils (the escalation found them silent: copies of the advisory, none
 * acknowledged, whatever became of the copies: a council whose mail is down is the one to text), if
 * `stillApplies`.
 */
export function escalationTextStatement(
  deps: Deps,
  advisoryId: string,
  councils: readonly string[],
  now: number,
  stillApplies: SQL,
): BatchItem {
  return insertTexts(
    deps,
    'escalation',
    advisoryId,
    now,
    sql`${inList(sql`m.authority_code`, councils)} and ${stillApplies}`,
  );
}

/**
 * The texts of heads-up and escalation rows, composed as they are sent: null for a row that should no longer
 * go (its advisory was cancelled, or the council acknowledged meanwhile).
 */
export async function headsUpTexts(deps: Deps, rows: readonly SmsRow[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const ids = [...new Set(rows.map((r) => r.advisoryId).filter((id): id is string => Boolean(id)))];
  const codes = [...new Set(rows.map((r) => r.authorityCode))];
  if (ids.length === 0) return out;
  const found = await deps.db
    .select({
      id: advisories.id,
      reference: advisories.reference,
      state: advisories.state,
      severity: advisories.severity,
      tlp: advisories.tlp,
    })
    .from(advisories)
    .where(inList(advisories.id, ids));
  const byId = new Map(found.map((a) => [a.id, a]));
  const names = new Map(
    (
      await deps.db
        .select({ code: authorities.code, name: authorities.shortName })
        .from(authorities)
        .where(inList(authorities.code, codes))
    ).map((a) => [a.code, a.name]),
  );
  const acknowledged = new Set(
    (
      await deps.db.all<{ key: string }>(sql`
        select advisory_id || ' ' || authority_code as key from deliveries
        where ${inList(sql`advisory_id`, ids)} and acknowledged_at is not null
        group by advisory_id, authority_code`)
    ).map((r) => r.key),
  );
  for (const row of rows) {
    const advisory = row.advisoryId ? byId.get(row.advisoryId) : undefined;
    if (
      !advisory ||
      advisory.state === 'cancelled' ||
      acknowledged.has(`${advisory.id} ${row.authorityCode}`)
    ) {
      out.set(row.id, null);
      continue;
    }
    const link = `${deps.config.PUBLIC_BASE_URL}/s/${await signedToken(deps, SMS_LINK_PURPOSE, row.id)}`;
    const council = names.get(row.authorityCode) ?? row.authorityCode;
    const what = advisory.severity === 'critical' ? 'CRITICAL' : 'URGENT';
    const lead =
      row.purpose === 'escalation'
        ? `${what}: ${council} has not yet acknowledged security advisory ${advisory.reference}`
        : `${what} security advisory ${advisory.reference} is waiting for ${council}`;
    out.set(
      row.id,
      `${deps.config.SERVICE_NAME}: ${lead} (TLP:${advisory.tlp}). Acknowledge it or sign in to read it: ${link}`,
    );
  }
  return out;
}
