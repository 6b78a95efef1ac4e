// The mailbox whose keys are asked about, if the principal may see it (its council, its WARP's operators,
// admins); otherwise the same 404 as for a mailbox that does not exist. Written here rather than imported
// from features/mailboxes, which depends on advisories (which encrypt with these keys): no cycle.
import { eq } from 'drizzle-orm';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { canSeeAuthority } from '../auth/scope.js';

export async function findVisibleMailbox(deps: Deps, principal: Principal, id: string) {
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, id) });
  if (!mailbox || !(await canSeeAuthority(deps.db, principal, mailbox.authorityCode)))
    throw new AppError('not_found', `There is no mailbox with id "${id}" that you can see.`);
  return mailbox;
}

/** How long a key's confirmation link works: as long as a mailbox's. */
export const keyConfirmationTtl = (deps: Pick<Deps, 'config'>) =>
  deps.config.CONFIRMATION_TTL_HOURS * 3600_000;
