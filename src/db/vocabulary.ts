// The service's own fixed words (states, statuses) as SQL literals, for raw SQL that names them: built from
// the lists in src/domain, so a query never restates a list. Never for anything a caller sent.
import { type SQL, sql } from 'drizzle-orm';
import { retryableDeliveryStatuses } from '../domain/advisory-states.js';
import { liveMailboxStates } from '../domain/mailbox-states.js';

/** `'a', 'b', 'c'`: a fixed list of words as SQL string literals. */
export function sqlWords(words: readonly string[]): SQL {
  for (const w of words) if (!/^[A-Za-z0-9+-]+$/.test(w)) throw new Error(`not a vocabulary word: ${w}`);
  return sql.raw(words.map((w) => `'${w}'`).join(', '));
}

/** The live mailbox states, for `state in (…)`. */
export const liveMailboxStatesSql = sqlWords(liveMailboxStates);

/** The retried delivery statuses, for `status in (…)`. */
export const retryableDeliveryStatusesSql = sqlWords(retryableDeliveryStatuses);
