// Contacts carried forward across a reorganisation. When the register names successors for an authority,
// each of its confirmed mailboxes is offered to each successor (authority-register/mailbox-offers.ts, in the
// same write as the register change). Here the offer is put to the mailbox, by a link e-mailed to it
// (asked by the scheduled sweep), and answered: accepted, the address becomes a confirmed mailbox of the
// successor (it proved it reads the mail by following the link); declined, the offer ends. Until then,
// advisories to the successor also go to the offered mailbox (advisories/fan-out.ts), marked as such.
// Each answer is a guarded, audited transition: the link answers once.

import { and, isNull, type SQL, sql } from 'drizzle-orm';
import mailboxOffer from '../../../templates/mailbox-offer.js';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { mailboxOffers, outboundMail } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { mailboxHolder } from '../../domain/principal.js';
import { ukCalendarDay } from '../../domain/uk-time.js';
import { composeMessage } from '../../mail/compose.js';
import { signedToken, verifySignedToken } from '../advisories/signing-key.js';
import { auditEntryIf, defineAggregate, transitions } from '../audit/transitions.js';
import { queuedRow, wakeSender } from '../outbound/queue-mail.js';

const PURPOSE = 'mailbox-offer';
const DAY_MS = 86_400_000;
/** Offers asked in one sweep at most (each is one e-mail); the rest go in the next. */
const ASK_PER_SWEEP = 100;

export const offerTransitions = defineAggregate({
  table: mailboxOffers,
  subject: 'mailbox offer',
  id: mailboxOffers.id,
  state: mailboxOffers.state,
  updatedAt: 'updatedAt',
  transitions: transitions<'offered' | 'accepted' | 'declined'>()({
    accept: { action: 'mailbox-offer.accepted', verb: 'accept', from: ['offered'], to: 'accepted' },
    decline: { action: 'mailbox-offer.declined', verb: 'decline', from: ['offered'], to: 'declined' },
  }),
});

/** The answer link of an offer: the offer's id signed with the service's key. */
export async function offerUrl(deps: Deps, offerId: string): Promise<string> {
  return `${deps.config.PUBLIC_BASE_URL}/offers/${await signedToken(deps, PURPOSE, offerId)}`;
}

/** E-mails the question to the mailboxes offered and not yet asked; the number asked. */
export async function askPendingOffers(deps: Deps): Promise<number> {
  if (deps.mailer.unavailable) return 0;
  const rows = await deps.db.all<{
    id: string;
    address: string;
    predecessorName: string;
    endDate: string | null;
    successorName: string;
  }>(sql`
    select o.id, m.address, p.name as predecessorName, p.end_date as endDate, s.name as successorName
    from mailbox_offers o
      join mailboxes m on m.id = o.mailbox_id
      join authorities p on p.code = o.predecessor_code
      join authorities s on s.code = o.successor_code
    where o.state = 'offered' and o.asked_at is null and m.state = 'confirmed'
    order by o.created_at limit ${ASK_PER_SWEEP}`);
  if (rows.length === 0) return 0;
  const now = deps.clock.now();
  const items: BatchItem[] = [];
  for (const r of rows) {
    const message = composeMessage(
      deps.config,
      mailboxOffer,
      {
        serviceName: deps.config.SERVICE_NAME,
        address: r.address,
        predecessorName: r.predecessorName,
        successorName: r.successorName,
        endDate: r.endDate ? ukCalendarDay(r.endDate) : null,
        answerUrl: await offerUrl(deps, r.id),
      },
      r.address,
      { messageId: `offer.${r.id}` },
    );
    items.push(
      deps.db
        .insert(outboundMail)
        .values(queuedRow(deps, message, { lane: 'notices', purpose: 'mailbox offer' })),
    );
  }
  // The messages and "asked" in one write: asked once.
  items.push(
    deps.db
      .update(mailboxOffers)
      .set({ askedAt: now })
      .where(
        and(
          inList(
            mailboxOffers.id,
            rows.map((r) => r.id),
          ),
          isNull(mailboxOffers.askedAt),
        ),
      ),
  );
  await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  await wakeSender(deps, 'notices');
  return rows.length;
}

export interface OfferView {
  id: string;
  state: 'offered' | 'accepted' | 'declined';
  address: string;
  mailboxId: string;
  predecessorCode: string;
  predecessorName: string;
  successorCode: string;
  successorName: string;
  askedAt: string | null;
  answeredAt: string | null;
}

/** An offer as the database gives it: the times as milliseconds. */
type OfferRow = Omit<OfferView, 'askedAt' | 'answeredAt'> & {
  askedAt: number | null;
  answeredAt: number | null;
};

async function offerViews(deps: Deps, where: SQL): Promise<OfferView[]> {
  const rows = await deps.db.all<OfferRow>(sql`
    select o.id, o.state, m.address, m.id as mailboxId, o.predecessor_code as predecessorCode,
      p.name as predecessorName, o.successor_code as successorCode, s.name as successorName,
      o.asked_at as askedAt, o.answered_at as answeredAt
    from mailbox_offers o
      join mailboxes m on m.id = o.mailbox_id
      join authorities p on p.code = o.predecessor_code
      join authorities s on s.code = o.successor_code
    where ${where}
    order by p.name, m.address`);
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return rows.map((r) => ({ ...r, askedAt: iso(r.askedAt), answeredAt: iso(r.answeredAt) }));
}

/** The offers made to a successor (its page and the chase list). */
export function offersTo(deps: Deps, successorCodes: readonly string[]): Promise<OfferView[]> {
  if (successorCodes.length === 0) return Promise.resolve([]);
  return offerViews(deps, inList(sql`o.successor_code`, successorCodes));
}

export type OfferLink =
  | { state: 'valid'; offer: OfferView }
  | { state: 'answered'; offer: OfferView }
  | { state: 'unknown' };

/** What the offer's link leads to, without answering. */
export async function inspectOffer(deps: Deps, token: string): Promise<OfferLink> {
  const id = await verifySignedToken(deps, PURPOSE, token);
  if (!id) return { state: 'unknown' };
  const [offer] = await offerViews(deps, sql`o.id = ${id}`);
  if (!offer) return { state: 'unknown' };
  return offer.state === 'offered' ? { state: 'valid', offer } : { state: 'answered', offer };
}

/**
 * The mailbox's answer through its link: yes makes the address a confirmed mailbox of the successor (a
 * secondary when the successor has a confirmed primary already), in one write with the offer's transition; no ends
 * the offer. Answering twice: the second finds it answered.
 */
export async function answerOffer(
  deps: Deps,
  token: string,
  answer: 'accept' | 'decline',
  ip: string,
): Promise<OfferLink> {
  const found = await inspectOffer(deps, token);
  if (found.state !== 'valid') return found;
  const { offer } = found;
  const actor = { principal: mailboxHolder(offer.mailboxId, offer.predecessorCode), ip };
  const at = deps.clock.now();
  const newId = answer === 'accept' ? deps.random.id() : null;
  const applied = await offerTransitions.attempt(deps, actor, answer, offer.id, {
    at,
    set: { answeredAt: at, answeredBy: actor.principal.actor, acceptedAs: newId },
    audit: { after: { mailbox: offer.mailboxId, successor: offer.successorCode } },
    with: (stillApplies) =>
      newId
        ? [
            deps.db.run(sql`
              insert into mailboxes (id, authority_code, address, kind, team, phone, state, needs_approval,
                looks_personal, created_by, created_at, updated_at, confirmed_at, reconfirm_due_at)
              select ${newId}, ${offer.successorCode}, m.address,
                case when m.kind = 'primary' and exists (select 1 from mailboxes x where x.authority_code = ${offer.successorCode}
                  and x.kind = 'primary' and x.state = 'confirmed') then 'secondary' else m.kind end,
                m.team, m.phone, 'confirmed', 0, m.looks_personal, ${actor.principal.actor}, ${at.getTime()},
                ${at.getTime()}, ${at.getTime()}, ${at.getTime() + deps.config.RECONFIRM_DAYS * DAY_MS}
              from mailboxes m where m.id = ${offer.mailboxId} and ${stillApplies}
              on conflict do nothing`),
            auditEntryIf(deps.db, actor, at, stillApplies, {
              action: 'mailbox.carried-forward',
              subjectType: 'mailbox',
              subjectId: newId,
              after: { address: offer.address, authority: offer.successorCode, from: offer.mailboxId },
            }),
          ]
        : [],
  });
  const now = await inspectOffer(deps, token);
  if (!applied && now.state === 'valid') return { state: 'answered', offer: now.offer };
  return now;
}
