// Following the link sent, encrypted, to a mailbox about its new key: the key becomes the one advisories
// are encrypted to, and the key confirmed before it is replaced, in the same write. The link works once
// (the key is no longer pending once confirmed) and expires like a mailbox's confirmation link.
import { and, eq, gt, ne, type SQL } from 'drizzle-orm';
import { mailboxes, mailboxKeys } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, mailboxHolder } from '../../domain/principal.js';
import { constantTimeEqual, hashSecret } from '../../lib/secrets.js';
import { mailboxKeyTransitions } from './transitions.js';
import type { MailboxKeyRow } from './view.js';

export type KeyLinkState = 'valid' | 'expired' | 'used' | 'unknown';

async function findByLink(deps: Deps, secret: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  const tokenHash = await hashSecret(secret);
  const row = await deps.db.query.mailboxKeys.findFirst({
    where: eq(mailboxKeys.confirmTokenHash, tokenHash),
  });
  return row?.confirmTokenHash && constantTimeEqual(row.confirmTokenHash, tokenHash)
    ? { row, tokenHash }
    : null;
}

const stateOf = (deps: Deps, row: MailboxKeyRow): KeyLinkState =>
  row.state !== 'pending'
    ? 'used'
    : row.confirmExpiresAt && row.confirmExpiresAt > deps.clock.now()
      ? 'valid'
      : 'expired';

/** What following the link would do, without doing it (GET: link previews must change nothing). */
export async function inspectKeyLink(deps: Deps, secret: string) {
  const found = await findByLink(deps, secret);
  if (!found) return { state: 'unknown' as const };
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, found.row.mailboxId) });
  return { state: stateOf(deps, found.row), key: found.row, address: mailbox?.address ?? null };
}

/** Confirms the key whose link this is; the state says why not when it cannot. */
export async function confirmMailboxKey(deps: Deps, secret: string, ip?: string) {
  const found = await findByLink(deps, secret);
  if (!found) return { state: 'unknown' as const };
  const state = stateOf(deps, found.row);
  if (state !== 'valid') return { state, key: found.row };
  const at = deps.clock.now();
  const { row } = found;
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, row.mailboxId) });
  if (!mailbox) return { state: 'unknown' as const };
  const actor: ActorContext = { principal: mailboxHolder(row.mailboxId, mailbox.authorityCode), ip };
  const applied = await mailboxKeyTransitions.attempt(deps, actor, 'confirm', row.id, {
    // The link's hash stays, so following it again says "already used" (the state is no longer pending).
    set: { confirmedAt: at },
    when: and(eq(mailboxKeys.confirmTokenHash, found.tokenHash), gt(mailboxKeys.confirmExpiresAt, at)) as SQL,
    audit: { after: { mailboxId: row.mailboxId, fingerprint: row.fingerprint } },
    // The key confirmed before it is replaced in the same write (only while this confirmation applies).
    with: (stillApplies) => [
      deps.db
        .update(mailboxKeys)
        .set({ state: 'replaced', updatedAt: at })
        .where(
          and(
            eq(mailboxKeys.mailboxId, row.mailboxId),
            eq(mailboxKeys.state, 'confirmed'),
            ne(mailboxKeys.id, row.id),
            stillApplies,
          ),
        ),
    ],
    at,
  });
  if (!applied) return { state: 'used' as const, key: row };
  return { state: 'valid' as const, key: applied.row };
}
