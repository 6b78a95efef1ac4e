// When a mailbox is retired or replaced after an advisory was released, its deliveries not sent yet stop:
// nothing more goes to an address the council has given up (TLP:RED included), and each says why.
// A statement for the batch that retires the mailbox: it acts only once the mailbox really is retired.
import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { BatchItem, Db } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { deliveries, mailboxes } from '../../db/schema.js';
import { retryableDeliveryStatuses } from '../../domain/advisory-states.js';
import { endedMailboxStates } from '../../domain/mailbox-states.js';

export const MAILBOX_RETIRED_REPLY = 'Not sent: the mailbox was retired after the advisory was released.';

/** Stops the unsent deliveries to `mailboxId` (new, or waiting for a retry) once the mailbox is retired. */
export function stopDeliveriesToRetiredMailbox(db: Db, mailboxId: string, at: Date): BatchItem {
  return db
    .update(deliveries)
    .set({
      status: 'cancelled',
      nextAttemptAt: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      failedAt: at.getTime(),
      lastReply: MAILBOX_RETIRED_REPLY,
    })
    .where(
      and(
        eq(deliveries.mailboxId, mailboxId),
        or(
          eq(deliveries.status, 'created'),
          and(inList(deliveries.status, retryableDeliveryStatuses), isNotNull(deliveries.nextAttemptAt)),
        ),
        sql`exists (select 1 from ${mailboxes} where ${mailboxes.id} = ${mailboxId} and ${inList(mailboxes.state, endedMailboxStates)})`,
      ),
    );
}
