// Lists register authorities with filters and a page, ordered by name, with one count query beside it.

import { type AnyColumn, and, asc, count, eq, or, type SQL } from 'drizzle-orm';
import { containsText } from '../../db/contains-text.js';
import { inList } from '../../db/limits.js';
import { authorities, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import {
  type AuthorityStatus,
  type AuthoritySummary,
  authorityColumns,
  toAuthoritySummary,
} from './authority-view.js';

export interface AuthorityQuery {
  nation?: string[];
  region?: string[];
  /** Register type codes (UA, NMD, WPA …); matched upper-case. */
  type?: string[];
  warp?: string[];
  status?: AuthorityStatus;
  /** Text search over code, name, short name and alternative names (ASCII case-insensitive). */
  q?: string;
  limit: number;
  offset: number;
}

export interface AuthorityPage {
  items: AuthoritySummary[];
  total: number;
  limit: number;
  offset: number;
}

export function authorityFilter(q: Omit<AuthorityQuery, 'limit' | 'offset'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.nation?.length) where.push(inList(authorities.nation, q.nation));
  if (q.region?.length) where.push(inList(authorities.region, q.region));
  if (q.type?.length)
    where.push(
      inList(
        authorities.type,
        q.type.map((t) => t.toUpperCase()),
      ),
    );
  if (q.warp?.length) where.push(inList(authorities.warpId, q.warp));
  if (q.status === 'current') where.push(eq(authorities.current, true));
  else if (q.status === 'upcoming') where.push(eq(authorities.shadow, true));
  else if (q.status === 'former')
    where.push(and(eq(authorities.current, false), eq(authorities.shadow, false))!);
  const text = q.q?.trim();
  if (text) {
    const like = (column: AnyColumn) => containsText(column, text);
    where.push(
      or(
        like(authorities.code),
        like(authorities.name),
        like(authorities.shortName),
        like(authorities.altNames),
      ) as SQL,
    );
  }
  return where.length ? and(...where) : undefined;
}

export async function listAuthorities(deps: Deps, q: AuthorityQuery): Promise<AuthorityPage> {
  const filter = authorityFilter(q);
  const [rows, [total]] = await Promise.all([
    deps.db
      .select({ ...authorityColumns(authorities), warpName: warps.name })
      .from(authorities)
      .leftJoin(warps, eq(warps.id, authorities.warpId))
      .where(filter)
      .orderBy(asc(authorities.name), asc(authorities.code))
      .limit(q.limit)
      .offset(q.offset),
    deps.db.select({ n: count() }).from(authorities).where(filter),
  ]);
  return {
    items: rows.map((r) => toAuthoritySummary(r, r.warpName)),
    total: total?.n ?? 0,
    limit: q.limit,
    offset: q.offset,
  };
}
