// Offering a predecessor's mailboxes to its successors, as data: one row per (confirmed mailbox, successor),
// made in the same write as the register change that names the successors (the e-mail that asks the
// mailbox, and its answer, are src/features/mailboxes/carry-forward.ts). An offer already made is kept.
import { sql } from 'drizzle-orm';
import type { BatchItem, Db } from '../../db/client.js';

/** The statement offering each confirmed mailbox of these authorities to each of their successors. */
export function offerMailboxesOf(db: Db, codes: readonly string[], now: Date): BatchItem {
  const at = now.getTime();
  return db.run(sql`
    insert into mailbox_offers (id, mailbox_id, predecessor_code, successor_code, state, created_at, updated_at)
    select lower(hex(randomblob(13))), m.id, m.authority_code, s.successor, 'offered', ${at}, ${at}
    from mailboxes m join authority_successors s on s.code = m.authority_code
    where m.state = 'confirmed' and m.authority_code in (select value from json_each(${JSON.stringify(codes)}))
    on conflict do nothing`);
}
