// The register's calendar: on its start date a shadow authority vests (becomes current), and after its end
// date an authority that was kept current until then ends (becomes former), without another import. Run
// by the scheduled work with the re-confirmation sweep (Node, and the Worker's 6-hourly cron) and by
// `checks sweep`. Each change is guarded by the condition that selected it and audited; running it twice
// changes nothing the second time.
import { and, eq, isNotNull, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { authorities } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, systemPrincipal } from '../../domain/principal.js';
import { ukDayKey } from '../../domain/uk-time.js';
import { auditEntryIf } from '../audit/transitions.js';
import { offerMailboxesOf } from './mailbox-offers.js';

export interface CalendarOutcome {
  vested: string[];
  ended: string[];
}

export async function applyRegisterCalendar(
  deps: Deps,
  actor: ActorContext = { principal: systemPrincipal },
): Promise<CalendarOutcome> {
  const now = deps.clock.now();
  const today = ukDayKey(now);
  const vesting = and(
    eq(authorities.shadow, true),
    isNotNull(authorities.startDate),
    lte(authorities.startDate, today),
  )!;
  const ending = and(
    eq(authorities.current, true),
    isNotNull(authorities.endDate),
    lt(authorities.endDate, today),
  )!;
  const [vest, end] = await Promise.all([
    deps.db
      .select({ code: authorities.code, startDate: authorities.startDate })
      .from(authorities)
      .where(vesting),
    deps.db
      .select({ code: authorities.code, endDate: authorities.endDate, replacedBy: authorities.replacedBy })
      .from(authorities)
      .where(ending),
  ]);
  if (vest.length === 0 && end.length === 0) return { vested: [], ended: [] };
  const items: BatchItem[] = [];
  // Each audit entry only while its change still applies: two runs at once audit each change once.
  const audit = (code: string, condition: SQL, action: string, after: unknown) =>
    auditEntryIf(
      deps.db,
      actor,
      now,
      sql`exists (select 1 from ${authorities} where ${authorities.code} = ${code} and ${condition})`,
      { action, subjectType: 'authority', subjectId: code, after },
    );
  for (const a of vest)
    items.push(audit(a.code, vesting, 'authority.vested', { current: true, startDate: a.startDate }));
  for (const a of end)
    items.push(
      audit(a.code, ending, 'authority.ended', {
        current: false,
        endDate: a.endDate,
        successors: a.replacedBy,
      }),
    );
  if (vest.length)
    items.push(
      deps.db.update(authorities).set({ shadow: false, current: true, updatedAt: now }).where(vesting),
    );
  if (end.length) {
    items.push(deps.db.update(authorities).set({ current: false, updatedAt: now }).where(ending));
    // Mailboxes confirmed since the successors were named are offered too (an offer made is kept).
    const named = end.filter((a) => a.replacedBy.length).map((a) => a.code);
    if (named.length) items.push(offerMailboxesOf(deps.db, named, now));
  }
  await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  const outcome = { vested: vest.map((a) => a.code), ended: end.map((a) => a.code) };
  deps.log.info('register calendar', outcome);
  return outcome;
}
