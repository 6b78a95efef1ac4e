// "Did we send this Message-ID to this address?": an advisory delivery (our Message-ID names the delivery,
// or the one Amazon SES gave it is recorded as delivered_message_id), or another message of ours through
// the outbound queue (an author's test of an advisory, a sign-in link …), to one of the addresses the
// message is addressed to, and tried at least once. One yes or no, in one query per table that matches
// the Message-ID and the address together: whether the Message-ID exists for another address is never
// looked at, so it cannot show.
import { and, eq, gt, or, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { deliveries, outboundMail } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { deliveryIdFromMessageId, mailDomain } from '../../mail/message-ids.js';

export type SentRecord = { sent: false } | { sent: true; kind: 'advisory' | 'other' };

/** At most this many addresses are looked up (a message to more is not one of ours: we send to one). */
const MAX_ADDRESSES = 20;

export async function sentRecord(deps: Deps, messageId: string, addresses: string[]): Promise<SentRecord> {
  const to = [...new Set(addresses.map((a) => a.toLowerCase()))].slice(0, MAX_ADDRESSES);
  if (to.length === 0 || messageId.length > 998) return { sent: false };
  const deliveryId = deliveryIdFromMessageId(mailDomain(deps.config), messageId);
  const [delivery] = await deps.db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        deliveryId
          ? or(eq(deliveries.id, deliveryId), eq(deliveries.deliveredMessageId, messageId))
          : eq(deliveries.deliveredMessageId, messageId),
        inList(sql`lower(${deliveries.address})`, to),
        gt(deliveries.attempts, 0),
      ),
    )
    .limit(1);
  if (delivery) return { sent: true, kind: 'advisory' };
  const [mail] = await deps.db
    .select({ purpose: outboundMail.purpose })
    .from(outboundMail)
    .where(
      and(
        or(eq(outboundMail.messageId, messageId), eq(outboundMail.deliveredMessageId, messageId)),
        inList(sql`lower(${outboundMail.toAddress})`, to),
        gt(outboundMail.attempts, 0),
      ),
    )
    .limit(1);
  if (!mail) return { sent: false };
  return { sent: true, kind: mail.purpose.startsWith('advisory test') ? 'advisory' : 'other' };
}
