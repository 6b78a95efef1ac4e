// Listing mailboxes, always within the caller's scope (admin: all; WARP: its members; council: its own).

import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { mailboxStates } from '../../domain/mailbox-states.js';
import type { Principal } from '../../domain/principal.js';
import { authorityScope } from '../auth/scope.js';
import { latestChecksFor } from '../checks/latest.js';
import { domainOf } from '../checks/status.js';
import { toMailboxView } from './view.js';

export interface MailboxQuery {
  authority?: string;
  state?: Array<(typeof mailboxStates)[number]>;
  kind?: string;
  limit: number;
  offset: number;
}

export async function listMailboxes(deps: Deps, principal: Principal, q: MailboxQuery) {
  const where: Array<SQL | undefined> = [authorityScope(deps.db, principal, mailboxes.authorityCode)];
  if (q.authority) where.push(eq(mailboxes.authorityCode, q.authority.toUpperCase()));
  if (q.state?.length) where.push(inList(mailboxes.state, q.state));
  if (q.kind) where.push(eq(mailboxes.kind, q.kind as 'primary'));
  const filter = and(...where);
  const [rows, [total]] = await Promise.all([
    deps.db
      .select()
      .from(mailboxes)
      .where(filter)
      .orderBy(asc(mailboxes.authorityCode), asc(mailboxes.createdAt))
      .limit(q.limit)
      .offset(q.offset),
    deps.db.select({ n: count() }).from(mailboxes).where(filter),
  ]);
  const checks = await latestChecksFor(
    deps,
    rows.map((r) => domainOf(r.address)),
  );
  const items = rows.map((r) =>
    toMailboxView(r, {
      checks: checks.get(domainOf(r.address)),
      softBounceThreshold: deps.config.SOFT_BOUNCE_THRESHOLD,
    }),
  );
  return { items, total: total?.n ?? 0, limit: q.limit, offset: q.offset };
}

/** The addresses of these mailboxes, by id (for an admin page that names what a mailbox replaces). */
export async function mailboxAddresses(deps: Pick<Deps, 'db'>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await deps.db
    .select({ id: mailboxes.id, address: mailboxes.address })
    .from(mailboxes)
    .where(inList(mailboxes.id, ids));
  return new Map(rows.map((r) => [r.id, r.address]));
}

/** The confirmed primary mailbox's address of each of these authorities that has one. */
export async function confirmedPrimaries(
  deps: Pick<Deps, 'db'>,
  codes: string[],
): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await deps.db
    .select({ code: mailboxes.authorityCode, address: mailboxes.address })
    .from(mailboxes)
    .where(
      and(
        inList(mailboxes.authorityCode, codes),
        eq(mailboxes.state, 'confirmed'),
        eq(mailboxes.kind, 'primary'),
      ),
    );
  return new Map(rows.map((r) => [r.code, r.address]));
}
