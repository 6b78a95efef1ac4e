// Reading one advisory within the caller's scope; what the caller may not see is a 404.
import { eq } from 'drizzle-orm';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { accessTo } from './advisory-scope.js';
import { type AdvisoryRow, type AdvisoryView, advisoryViewFor } from './view.js';

/** The advisory an update or cancellation follows (its reference and title), or null for an original. */
export async function advisoryParent(
  deps: Deps,
  advisory: Pick<AdvisoryRow, 'parentId'>,
): Promise<{ id: string; reference: string; title: string } | null> {
  if (!advisory.parentId) return null;
  const [parent] = await deps.db
    .select({ id: advisories.id, reference: advisories.reference, title: advisories.title })
    .from(advisories)
    .where(eq(advisories.id, advisory.parentId))
    .limit(1);
  return parent ?? null;
}

export async function getAdvisory(deps: Deps, principal: Principal, id: string): Promise<AdvisoryView> {
  const access = await accessTo(deps, principal, id);
  return advisoryViewFor(principal, access.advisory, access.content);
}
