// What follows a mailbox's retirement (by the council, an admin, or its replacement), in the same batch:
// the sessions opened from it end, and its deliveries not sent yet stop. Each statement acts only if the
// mailbox is retired by then, so a retirement that lost a race changes nothing here.
import { sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { endedMailboxStates } from '../../domain/mailbox-states.js';
import { stopDeliveriesToRetiredMailbox } from '../advisories/stop-deliveries.js';
import { endSessionsOf } from '../auth/sessions.js';

export function afterRetirement(deps: Pick<Deps, 'db'>, mailboxId: string, at: Date): BatchItem[] {
  const retired = sql`exists (select 1 from ${mailboxes} where ${mailboxes.id} = ${mailboxId} and ${inList(mailboxes.state, endedMailboxStates)})`;
  return [
    endSessionsOf(deps, `mailbox:${mailboxId}`, at, retired),
    stopDeliveriesToRetiredMailbox(deps.db, mailboxId, at),
  ];
}
