// Listing advisories, newest first, always within the caller's scope (see advisory-scope.ts).
import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { advisoryStates } from '../../domain/advisory-states.js';
import type { Principal } from '../../domain/principal.js';
import type { tlpLabels } from '../../domain/tlp.js';
import { advisoryScope, contentVisible } from './advisory-scope.js';
import { type AdvisoryView, advisoryViewFor } from './view.js';

export interface AdvisoryQuery {
  state?: (typeof advisoryStates)[number];
  tlp?: (typeof tlpLabels)[number];
  test?: boolean;
  limit: number;
  offset: number;
}

export interface AdvisoryList {
  items: AdvisoryView[];
  total: number;
  limit: number;
  offset: number;
}

export async function listAdvisories(
  deps: Deps,
  principal: Principal,
  q: AdvisoryQuery,
): Promise<AdvisoryList> {
  const where: Array<SQL | undefined> = [advisoryScope(deps.db, principal)];
  if (q.state) where.push(eq(advisories.state, q.state));
  if (q.tlp) where.push(eq(advisories.tlp, q.tlp));
  if (q.test !== undefined) where.push(eq(advisories.test, q.test));
  const filter = and(...where);
  const [rows, [total]] = await Promise.all([
    deps.db
      .select()
      .from(advisories)
      .where(filter)
      .orderBy(desc(advisories.createdAt), desc(advisories.id))
      .limit(q.limit)
      .offset(q.offset),
    deps.db.select({ n: count() }).from(advisories).where(filter),
  ]);
  const content = await contentVisible(deps, principal, rows);
  return {
    items: rows.map((row) => advisoryViewFor(principal, row, content.get(row.id) ?? false)),
    total: total?.n ?? 0,
    limit: q.limit,
    offset: q.offset,
  };
}
