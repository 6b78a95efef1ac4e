// What the outbound queue holds, lane by lane: due now, waiting for a retry, held by a worker (and until
// when its lease runs), held by a worker whose lease ran out (it stopped: due again, possibly sent), and
// whether sending is paused. For the CLI, the API, the pages and /metrics: the truth about held work.
import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import { type MailLane, mailLanes } from '../../domain/outbound.js';
import { type PauseView, pauseView, senderState } from './sender-state.js';

export interface LaneSummary {
  lane: MailLane;
  /** Due now (new, or a retry whose time has come). */
  due: number;
  /** Waiting for a retry later; the first at `nextAt` (ms). */
  waiting: number;
  nextAt: number | null;
  /** Being sent by a worker whose lease holds; the first lease runs out at `heldUntil` (ms). */
  held: number;
  heldUntil: number | null;
  /** Claimed by a worker whose lease ran out (it stopped): due again, and may have been sent already. */
  abandoned: number;
}

export interface QueueSummary {
  lanes: LaneSummary[];
  paused: PauseView | null;
}

const open = sql`('created', 'temporary-failure', 'technical-failure')`;

function counts(now: number, table: SQL, where: SQL) {
  return sql`select
      coalesce(sum(case when (status in ${open} and next_attempt_at <= ${now})
        or (status = 'sending' and lease_owner is null and lease_expires_at <= ${now}) then 1 else 0 end), 0) as due,
      coalesce(sum(case when status in ${open} and next_attempt_at > ${now} then 1 else 0 end), 0) as waiting,
      min(case when status in ${open} and next_attempt_at > ${now} then next_attempt_at end) as next_at,
      coalesce(sum(case when status = 'sending' and lease_expires_at > ${now} then 1 else 0 end), 0) as held,
      min(case when status = 'sending' and lease_expires_at > ${now} then lease_expires_at end) as held_until,
      coalesce(sum(case when status = 'sending' and lease_owner is not null and lease_expires_at <= ${now} then 1 else 0 end), 0) as abandoned
    from ${table}
    where status in ('created', 'temporary-failure', 'technical-failure', 'sending') and ${where}`;
}

interface Row {
  lane?: string;
  due: number;
  waiting: number;
  next_at: number | null;
  held: number;
  held_until: number | null;
  abandoned: number;
}

const toLane = (lane: MailLane, r: Row | undefined): LaneSummary => ({
  lane,
  due: Number(r?.due ?? 0),
  waiting: Number(r?.waiting ?? 0),
  nextAt: r?.next_at == null ? null : Number(r.next_at),
  held: Number(r?.held ?? 0),
  heldUntil: r?.held_until == null ? null : Number(r.held_until),
  abandoned: Number(r?.abandoned ?? 0),
});

function merge(a: LaneSummary, b: LaneSummary): LaneSummary {
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  return {
    lane: a.lane,
    due: a.due + b.due,
    waiting: a.waiting + b.waiting,
    nextAt: min(a.nextAt, b.nextAt),
    held: a.held + b.held,
    heldUntil: min(a.heldUntil, b.heldUntil),
    abandoned: a.abandoned + b.abandoned,
  };
}

/** The queue now; only one advisory's deliveries when `advisoryId` is given. */
export async function queueSummary(
  deps: Pick<Deps, 'db' | 'clock'>,
  advisoryId?: string,
): Promise<QueueSummary> {
  const now = deps.clock.now().getTime();
  const onlyOne = advisoryId ? sql`and advisory_id = ${advisoryId}` : sql``;
  const [deliveries] = await deps.db.all<Row>(
    counts(
      now,
      sql`deliveries`,
      sql`advisory_id in (select id from advisories where state = 'sending') ${onlyOne}`,
    ),
  );
  const mail = advisoryId
    ? []
    : await deps.db.all<Row>(
        sql.join(
          mailLanes.map(
            (lane) =>
              sql`select ${lane} as lane, * from (${counts(now, sql`outbound_mail`, sql`lane = ${lane}`)})`,
          ),
          sql` union all `,
        ),
      );
  const mailOf = (lane: MailLane) =>
    toLane(
      lane,
      mail.find((r) => r.lane === lane),
    );
  const lanes = advisoryId
    ? [toLane('advisories', deliveries)]
    : mailLanes.map((lane) =>
        lane === 'advisories' ? merge(toLane('advisories', deliveries), mailOf(lane)) : mailOf(lane),
      );
  return { lanes, paused: pauseView(await senderState(deps)) };
}

/** The lanes added up. */
export function totals(summary: QueueSummary): Omit<LaneSummary, 'lane'> {
  const { lane: _, ...sum } = summary.lanes.reduce(merge, {
    lane: 'urgent',
    due: 0,
    waiting: 0,
    nextAt: null,
    held: 0,
    heldUntil: null,
    abandoned: 0,
  } as LaneSummary);
  return sum;
}
