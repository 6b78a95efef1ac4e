// Whether each council answered its last finished drill: the latest drill in state `finished` that tried
// one of its paths, and whether any of those paths was acknowledged within RESPONSIVE_HOURS of the
// drill's start. Earlier drills do not count once a later one has finished (a council that has stopped
// answering is not responsive because it answered last year), and a drill still running counts for
// nothing yet. Read for a batch of councils at once (one JSON parameter, `inList`).

import { type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import type { Deps } from '../../deps.js';

/** How soon after a drill starts an acknowledgement makes the council responsive. */
export const RESPONSIVE_HOURS = 24;

export interface LastDrill {
  drillId: string;
  reference: string;
  startedAt: Date;
  /** The first acknowledgement on any of its paths, if any. */
  acknowledgedAt: Date | null;
  /** Acknowledged within RESPONSIVE_HOURS of the start. */
  responsive: boolean;
}

/**
 * Per council (`authority_code`): its last finished drill and the first acknowledgement on its paths. A
 * window over the drill paths grouped by (council, drill), latest start first.
 */
export const lastDrillSql = (where: SQL = sql`1 = 1`) => sql`select authority_code, drill_id, reference,
  started_at, acknowledged_at,
  (acknowledged_at is not null and acknowledged_at <= started_at + ${RESPONSIVE_HOURS * 3600_000}) as responsive
  from (
    select p.authority_code, d.id as drill_id, d.reference, d.started_at, min(p.acknowledged_at) as acknowledged_at,
      row_number() over (partition by p.authority_code order by d.started_at desc, d.id desc) as n
    from drill_paths p join drills d on d.id = p.drill_id
    where d.state = 'finished' and d.started_at is not null and ${where}
    group by p.authority_code, d.id
  ) where n = 1`;

/** Codes of the councils that did not answer their last finished drill in time, as a subquery. */
export const unresponsiveCodesSql: SQL = sql`(select authority_code from (${lastDrillSql()}) where not responsive)`;

/** The last finished drill of each of these councils (absent: it has been in none). */
export async function lastDrillsOf(
  deps: Pick<Deps, 'db'>,
  codes: readonly string[],
): Promise<Map<string, LastDrill>> {
  const out = new Map<string, LastDrill>();
  if (codes.length === 0) return out;
  const rows = await deps.db.all<{
    authority_code: string;
    drill_id: string;
    reference: string;
    started_at: number;
    acknowledged_at: number | null;
    responsive: number;
  }>(lastDrillSql(inList(sql`p.authority_code`, codes)));
  for (const r of rows)
    out.set(r.authority_code, {
      drillId: r.drill_id,
      reference: r.reference,
      startedAt: new Date(Number(r.started_at)),
      acknowledgedAt: r.acknowledged_at === null ? null : new Date(Number(r.acknowledged_at)),
      responsive: Boolean(Number(r.responsive)),
    });
  return out;
}
