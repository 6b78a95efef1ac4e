// Who to chase, and when they were last chased: the addresses a council has registered (in use, not yet
// confirmed, stale or unreachable, with the team and phone given), and the last reminder sent from the chase
// list (the audit log's `authority.chase` entries). One read each for a page of the list.
import { and, eq, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { auditLog, mailboxes, mailboxOffers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';

export interface ChaseContact {
  address: string;
  kind: string;
  state: string;
  team: string;
  phone: string | null;
}

export const CHASE_ACTION = 'authority.chase';

/**
 * Whether a reminder may be written to a mailbox in this state: registered and not bouncing, and not
 * waiting for an admin's approval (an address on a domain nobody has vouched for yet).
 */
export function isWritable(state: string): boolean {
  return state === 'pending' || state === 'confirmed' || state === 'awaiting-handover';
}

/** A successor's offered mailboxes by answer (a reorganisation: its predecessors' mailboxes). */
export interface OfferCounts {
  offered: number;
  accepted: number;
  declined: number;
}

export async function chaseContacts(
  deps: Pick<Deps, 'db'>,
  codes: readonly string[],
): Promise<{
  contacts: Map<string, ChaseContact[]>;
  lastChased: Map<string, Date>;
  offers: Map<string, OfferCounts>;
}> {
  const contacts = new Map<string, ChaseContact[]>();
  const lastChased = new Map<string, Date>();
  const offers = new Map<string, OfferCounts>();
  if (codes.length === 0) return { contacts, lastChased, offers };
  const [rows, chased, offered] = await Promise.all([
    deps.db
      .select({
        code: mailboxes.authorityCode,
        address: mailboxes.address,
        kind: mailboxes.kind,
        state: mailboxes.state,
        team: mailboxes.team,
        phone: mailboxes.phone,
      })
      .from(mailboxes)
      .where(and(inList(mailboxes.authorityCode, codes), inList(mailboxes.state, liveMailboxStates)))
      .orderBy(mailboxes.kind, mailboxes.address),
    deps.db
      .select({ code: auditLog.subjectId, at: sql<number>`max(${auditLog.at})` })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.subjectType, 'authority'),
          eq(auditLog.action, CHASE_ACTION),
          inList(auditLog.subjectId, codes),
        ),
      )
      .groupBy(auditLog.subjectId),
    deps.db
      .select({ code: mailboxOffers.successorCode, state: mailboxOffers.state, n: sql<number>`count(*)` })
      .from(mailboxOffers)
      .where(inList(mailboxOffers.successorCode, codes))
      .groupBy(mailboxOffers.successorCode, mailboxOffers.state),
  ]);
  for (const { code, ...contact } of rows) {
    const list = contacts.get(code) ?? [];
    list.push(contact);
    contacts.set(code, list);
  }
  for (const r of chased) lastChased.set(r.code, new Date(Number(r.at)));
  for (const r of offered) {
    const counts = offers.get(r.code) ?? { offered: 0, accepted: 0, declined: 0 };
    counts[r.state] += Number(r.n);
    offers.set(r.code, counts);
  }
  return { contacts, lastChased, offers };
}
