// A claimed delivery as the message builder sees it (claiming itself is the outbound engine's, see
// delivery-source.ts), and marking advisories sent once every delivery is final.
import { and, type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { advisoryTransitions } from './transitions.js';

export interface ClaimedDelivery {
  id: string;
  advisoryId: string;
  mailboxId: string;
  authorityCode: string | null;
  address: string;
  mailboxKind: string;
  attempts: number;
  deadlineAt: number;
}

/**
 * Marks advisories whose every delivery is final as sent (of these, or of every one sending): their
 * `complete` transition, in one statement.
 */
export async function completeAdvisories(
  deps: Deps,
  ids: string[] | 'all sending',
  now: number,
): Promise<void> {
  if (Array.isArray(ids) && ids.length === 0) return;
  const at = new Date(now);
  await advisoryTransitions.applyMany(deps.db, 'complete', {
    where: and(
      ids === 'all sending' ? undefined : inList(advisories.id, ids),
      sql`not exists (
        select 1 from deliveries d where d.advisory_id = ${advisories.id}
          and (d.status in ('created', 'sending')
            or (d.status in ('temporary-failure', 'technical-failure') and d.next_attempt_at is not null)))`,
    ) as SQL,
    set: { sentAt: at },
    at,
  });
}
