// Who an advisory reaches. Within a dimension values are alternatives (Wales or Scotland); across
// dimensions they narrow (Welsh unitaries = nations:[Wales] and types:[WPA]); explicit authority codes are
// always added. Current authorities, and shadow ones (created by a reorganisation, not yet vested) when
// named; an ended authority named reaches its successors instead. WARP operators only ever reach their
// own members.
import { and, eq, or, type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { type Audience, authorities, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';

/** The condition on `authorities` selecting the audience (current authorities only). */
export function audienceCondition(audience: Audience, principal: Principal): SQL {
  const parts: SQL[] = [];
  const narrowing: SQL[] = [];
  // Lists go in as one JSON parameter each: an audience may name hundreds of councils, and D1 allows at
  // most 100 bound parameters in a statement.
  if (audience.nations?.length) narrowing.push(inList(authorities.nation, audience.nations));
  if (audience.regions?.length) narrowing.push(inList(authorities.region, audience.regions));
  if (audience.warps?.length) narrowing.push(inList(authorities.warpId, audience.warps));
  if (audience.types?.length)
    narrowing.push(
      inList(
        authorities.type,
        audience.types.map((t) => t.toUpperCase()),
      ),
    );
  if (audience.all) parts.push(sql`1 = 1`);
  else if (narrowing.length) parts.push(and(...narrowing)!);
  const named = (audience.authorities ?? []).map((c) => c.toUpperCase());
  // The named ones, and the successors of those named that have ended.
  const namedOrSuccessor = named.length
    ? or(
        inList(authorities.code, named),
        sql`${authorities.code} in (select s.successor from authority_successors s join authorities p on p.code = s.code
          where p.current = 0 and p.shadow = 0 and s.code in (select value from json_each(${JSON.stringify(named)})))`,
      )!
    : null;
  if (namedOrSuccessor) parts.push(namedOrSuccessor);
  const chosen = parts.length ? or(...parts)! : sql`0 = 1`;
  const live = namedOrSuccessor
    ? or(eq(authorities.current, true), and(eq(authorities.shadow, true), namedOrSuccessor))!
    : eq(authorities.current, true);
  const conditions = [live, chosen];
  if (principal.role === 'warp') conditions.push(eq(authorities.warpId, principal.warpId ?? ''));
  else if (principal.role !== 'admin') conditions.push(sql`0 = 1`);
  return and(...conditions)!;
}

/**
 * Refuses an audience a WARP operator may not address: anything outside their own WARP. (The query is
 * scoped too; this makes the refusal explicit instead of silently sending to fewer councils.)
 */
export async function assertAudienceAllowed(
  deps: Deps,
  principal: Principal,
  audience: Audience,
): Promise<void> {
  if (principal.role === 'admin') return;
  if (principal.role !== 'warp')
    throw new AppError('forbidden', 'Only NCSC staff and WARP operators send advisories.');
  const own = principal.warpId ?? '';
  if (audience.warps?.some((w) => w !== own))
    throw new AppError('forbidden', 'A WARP operator can only address its own WARP’s members.');
  if (audience.authorities?.length) {
    const codes = audience.authorities.map((c) => c.toUpperCase());
    const rows = await deps.db
      .select({ code: authorities.code, warpId: authorities.warpId })
      .from(authorities)
      .where(inList(authorities.code, codes));
    const outside = codes.filter((c) => rows.find((r) => r.code === c)?.warpId !== own);
    if (outside.length)
      throw new AppError('forbidden', `These councils are not members of your WARP: ${outside.join(', ')}.`, {
        extra: { outside },
      });
  }
}

/** The condition on `mailboxes` for who receives it: confirmed; TLP:RED only confirmed primaries. */
export function recipientMailboxCondition(tlp: string): SQL {
  const conditions = [eq(mailboxes.state, 'confirmed')];
  if (tlp === 'RED') conditions.push(eq(mailboxes.kind, 'primary'));
  return and(...conditions)!;
}

export interface AudiencePreview {
  councils: number;
  mailboxes: number;
  /** Confirmed, reachable out-of-hours mobiles of its councils: texted when it is critical or urgent. */
  mobiles: number;
  warps: string[];
  /** Councils in the audience with no mailbox that would receive it. */
  withoutMailbox: Array<{ code: string; name: string }>;
  /** The councils it reaches (a mailbox would receive it), by name. */
  reached: Array<{ code: string; name: string; mailboxes: number }>;
  /** Nations the audience takes only part of: its councils there, of all there the sender may address. */
  partNations: Array<{ nation: string; councils: number; of: number }>;
  /** Named authorities that have ended: their successors receive it instead. */
  endedNamed: Array<{ code: string; name: string; successors: string[] }>;
  /** Councils reached through a predecessor's mailbox still offered to them (a reorganisation). */
  viaPredecessors: Array<{ code: string; name: string; mailboxes: number }>;
}

export async function previewAudience(
  deps: Deps,
  principal: Principal,
  audience: Audience,
  tlp: string,
): Promise<AudiencePreview> {
  const where = audienceCondition(audience, principal);
  const rows = await deps.db
    .select({
      code: authorities.code,
      name: authorities.name,
      warpId: authorities.warpId,
      nation: authorities.nation,
      recipients: sql<number>`(select count(*) from ${mailboxes} where ${mailboxes.authorityCode} = ${authorities.code} and ${recipientMailboxCondition(tlp)})`,
      offered: sql<number>`(select count(*) from mailbox_offers o join mailboxes on mailboxes.id = o.mailbox_id
        where o.successor_code = authorities.code and o.state = 'offered' and ${recipientMailboxCondition(tlp)})`,
    })
    .from(authorities)
    .where(where)
    .orderBy(authorities.name);
  const touched = new Map<string, number>();
  for (const r of rows) if (r.nation) touched.set(r.nation, (touched.get(r.nation) ?? 0) + 1);
  // Every council of those nations the sender could address (all of them for an admin; a WARP's members).
  const totals = touched.size
    ? await deps.db
        .select({ nation: authorities.nation, n: sql<number>`count(*)` })
        .from(authorities)
        .where(audienceCondition({ nations: [...touched.keys()] }, principal))
        .groupBy(authorities.nation)
    : [];
  const named = (audience.authorities ?? []).map((c) => c.toUpperCase());
  const ended = named.length
    ? await deps.db
        .select({ code: authorities.code, name: authorities.name, successors: authorities.replacedBy })
        .from(authorities)
        .where(
          and(inList(authorities.code, named), eq(authorities.current, false), eq(authorities.shadow, false)),
        )
    : [];
  // Each mailbox once, however many councils it is reached for (its own, and successors it is offered to):
  // the number of copies the fan-out makes.
  const [distinct] = await deps.db.all<{ n: number }>(sql`
    select count(*) as n from (
      select mailboxes.id from mailboxes join authorities on authorities.code = mailboxes.authority_code
        where ${where} and ${recipientMailboxCondition(tlp)}
      union
      select mailboxes.id from mailbox_offers o join mailboxes on mailboxes.id = o.mailbox_id
        where o.state = 'offered' and ${recipientMailboxCondition(tlp)}
          and exists (select 1 from authorities where authorities.code = o.successor_code and ${where})
    )`);
  const [phones] = await deps.db.all<{ n: number }>(sql`
    select count(*) as n from mobile_numbers m join authorities on authorities.code = m.authority_code
    where m.state = 'confirmed' and m.unreachable_at is null and ${where}`);
  return {
    councils: rows.length,
    mailboxes: Number(distinct?.n ?? 0),
    mobiles: Number(phones?.n ?? 0),
    warps: [...new Set(rows.map((r) => r.warpId ?? '(none)'))].sort(),
    endedNamed: ended.map((e) => ({ code: e.code, name: e.name, successors: e.successors })),
    viaPredecessors: rows
      .filter((r) => Number(r.offered) > 0)
      .map((r) => ({ code: r.code, name: r.name, mailboxes: Number(r.offered) })),
    withoutMailbox: rows
      .filter((r) => Number(r.recipients) + Number(r.offered) === 0)
      .map((r) => ({ code: r.code, name: r.name })),
    reached: rows
      .filter((r) => Number(r.recipients) + Number(r.offered) > 0)
      .map((r) => ({ code: r.code, name: r.name, mailboxes: Number(r.recipients) + Number(r.offered) })),
    partNations: totals
      .map((t) => ({ nation: t.nation ?? '', councils: touched.get(t.nation ?? '') ?? 0, of: Number(t.n) }))
      .filter((t) => t.councils < t.of)
      .sort((a, b) => a.nation.localeCompare(b.nation)),
  };
}
