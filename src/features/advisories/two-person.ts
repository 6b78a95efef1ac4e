// The two-person rule's one question: is this the person who wrote or released the advisory? The release
// verb refuses their approval; the pages hide their approve button; the approval e-mail skips them.
import type { Deps } from '../../deps.js';
import { samePerson } from '../auth/people.js';
import type { AdvisoryRow } from './view.js';

/**
 * Whether this actor is the person who wrote or released the advisory (so cannot be its second admin):
 * different people, not just different credentials, so a token made with another token is its maker's.
 */
export async function wroteOrReleased(
  deps: Pick<Deps, 'db'>,
  actor: string,
  advisory: Pick<AdvisoryRow, 'createdBy' | 'releasedBy'>,
): Promise<boolean> {
  for (const other of [advisory.createdBy, advisory.releasedBy])
    if (other && (await samePerson(deps, actor, other))) return true;
  return false;
}
