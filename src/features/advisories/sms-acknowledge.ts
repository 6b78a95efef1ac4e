// Acknowledging an advisory from the link in a text (a heads-up or an escalation): the signed token names
// the text, which names the council and the advisory. The council's acknowledgement is one, whichever
// channel gives it: if any copy of the advisory to the council is acknowledged already, the text's link
// only says when; otherwise the council's best copy (a delivered primary first; a copy that has not
// arrived, when the council's mail is down, still counts) is marked acknowledged, with its audit entry.
// The page shows no content of the advisory unless it is TLP:CLEAR: a phone is not a confirmed mailbox.
import { and, asc, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { advisories, authorities, deliveries, mobileNumbers, smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { maskUkMobile } from '../../domain/mobile-number.js';
import { mobileHolder } from '../../domain/principal.js';
import { acknowledgeCopy } from './acknowledge-copy.js';
import { verifySignedToken } from './signing-key.js';
import { SMS_LINK_PURPOSE } from './sms-heads-up.js';

export interface SmsAckView {
  smsId: string;
  authority: { code: string; name: string };
  advisory: {
    id: string;
    reference: string;
    severity: string;
    tlp: string;
    state: string;
    /** Only for TLP:CLEAR (public anyway); null otherwise. */
    title: string | null;
    summary: string | null;
  };
  /** The phone, masked. */
  phone: string;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

async function firstAcknowledgement(deps: Deps, advisoryId: string, code: string) {
  const [row] = await deps.db
    .select({ at: deliveries.acknowledgedAt, by: deliveries.acknowledgedBy })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.advisoryId, advisoryId),
        eq(deliveries.authorityCode, code),
        isNotNull(deliveries.acknowledgedAt),
      ),
    )
    .orderBy(asc(deliveries.acknowledgedAt))
    .limit(1);
  return row?.at == null ? null : { at: new Date(row.at), by: row.by ?? 'the council' };
}

/** What a text's link is for, or null when the token is not one we signed for a text about an advisory. */
export async function inspectSmsLink(deps: Deps, token: string): Promise<SmsAckView | null> {
  const smsId = await verifySignedToken(deps, SMS_LINK_PURPOSE, token);
  if (!smsId) return null;
  const [row] = await deps.db
    .select({
      advisoryId: advisories.id,
      reference: advisories.reference,
      severity: advisories.severity,
      tlp: advisories.tlp,
      state: advisories.state,
      title: advisories.title,
      summary: advisories.summary,
      code: authorities.code,
      name: authorities.name,
      number: mobileNumbers.number,
    })
    .from(smsMessages)
    .innerJoin(advisories, eq(advisories.id, smsMessages.advisoryId))
    .innerJoin(authorities, eq(authorities.code, smsMessages.authorityCode))
    .innerJoin(mobileNumbers, eq(mobileNumbers.id, smsMessages.mobileId))
    .where(eq(smsMessages.id, smsId))
    .limit(1);
  if (!row) return null;
  const clear = row.tlp === 'CLEAR';
  const done = await firstAcknowledgement(deps, row.advisoryId, row.code);
  return {
    smsId,
    authority: { code: row.code, name: row.name },
    advisory: {
      id: row.advisoryId,
      reference: row.reference,
      severity: row.severity,
      tlp: row.tlp,
      state: row.state,
      title: clear ? row.title : null,
      summary: clear ? row.summary : null,
    },
    phone: maskUkMobile(row.number),
    acknowledgedAt: done?.at ?? null,
    acknowledgedBy: done?.by ?? null,
  };
}

export type SmsAckOutcome =
  | { state: 'unknown' }
  | { state: 'no-copy'; view: SmsAckView }
  | { state: 'acknowledged' | 'already'; view: SmsAckView };

export async function acknowledgeBySms(
  deps: Deps,
  token: string,
  request: { requestId?: string; ip?: string } = {},
): Promise<SmsAckOutcome> {
  const view = await inspectSmsLink(deps, token);
  if (!view) return { state: 'unknown' };
  if (view.acknowledgedAt) return { state: 'already', view };
  const [copy] = await deps.db
    .select({ id: deliveries.id, mailboxId: deliveries.mailboxId })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.advisoryId, view.advisory.id),
        eq(deliveries.authorityCode, view.authority.code),
        ne(deliveries.status, 'cancelled'),
        isNull(deliveries.acknowledgedAt),
      ),
    )
    .orderBy(
      sql`case when ${deliveries.status} = 'delivered' then 0 else 1 end`,
      sql`case when ${deliveries.mailboxKind} = 'primary' then 0 else 1 end`,
      asc(deliveries.id),
    )
    .limit(1);
  if (!copy) return { state: 'no-copy', view };
  const by = `out-of-hours mobile ${view.phone}`;
  const principal = mobileHolder(view.smsId, view.authority.code);
  const done = await acknowledgeCopy(
    deps,
    { principal, requestId: request.requestId, ip: request.ip },
    copy.id,
    {
      advisory: view.advisory,
      authorityCode: view.authority.code,
      by,
      from: 'a text message link',
    },
  );
  if (!done) {
    const kept = await inspectSmsLink(deps, token);
    return kept?.acknowledgedAt ? { state: 'already', view: kept } : acknowledgeBySms(deps, token, request);
  }
  return { state: 'acknowledged', view: { ...view, acknowledgedAt: done, acknowledgedBy: by } };
}
