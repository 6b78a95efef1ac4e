// Following a confirmation link: show what it will do (GET), then do it (POST). Confirming retires the
// mailbox it replaces in the same write, then tells the new address and, on rotation, both addresses.
import { and, eq } from 'drizzle-orm';
import { authorities, linkTokens, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { mailboxHolder } from '../../domain/principal.js';
import { auditEntry } from '../audit/record.js';
import { inspectLink, type LinkState, spendLink } from './links.js';
import { sendConfirmed, sendReplaced } from './notify.js';
import { confirmedReachability } from './reachability.js';
import { confirmedOfKind, retireReplacedStatements } from './rotation.js';
import type { MailboxRow } from './view.js';

export interface ConfirmationView {
  state: LinkState | 'not-pending';
  mailbox?: MailboxRow;
  authorityName?: string;
  expiresAt?: Date;
  /** The stored hash of the link, so confirming spends it without looking it up again. */
  tokenHash?: string;
}

export async function inspectConfirmation(deps: Deps, secret: string): Promise<ConfirmationView> {
  const found = await inspectLink(deps, secret, ['confirm', 'reconfirm']);
  if (!found.link) return { state: 'unknown' };
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, found.link.mailboxId) });
  if (!mailbox) return { state: 'unknown' };
  const authority = await deps.db.query.authorities.findFirst({
    where: eq(authorities.code, mailbox.authorityCode),
  });
  const view = {
    mailbox,
    authorityName: authority?.name ?? mailbox.authorityCode,
    expiresAt: found.link.expiresAt,
    tokenHash: found.link.tokenHash,
  };
  if (found.state !== 'valid') return { state: found.state, ...view };
  const reconfirming = found.link.purpose === 'reconfirm' && mailbox.state === 'confirmed';
  if (mailbox.state !== 'pending' && !reconfirming) return { state: 'not-pending', ...view };
  return { state: 'valid', ...view };
}

export async function confirmMailbox(deps: Deps, secret: string, ip: string): Promise<ConfirmationView> {
  const found = await inspectConfirmation(deps, secret);
  if (found.state !== 'valid' || !found.mailbox || !found.tokenHash) return found;
  const { mailbox, tokenHash } = found;
  const now = deps.clock.now();
  const actor = { principal: mailboxHolder(mailbox.id, mailbox.authorityCode), ip };

  if (mailbox.state === 'confirmed') {
    // Re-confirmation: the mailbox proves it is still read (no longer stale or unreachable).
    const reachability = confirmedReachability(deps.config, now);
    await deps.db.batch([
      spendLink(deps, tokenHash, now),
      deps.db
        .update(mailboxes)
        .set({ ...reachability, updatedAt: now })
        .where(eq(mailboxes.id, mailbox.id)),
      auditEntry(deps.db, actor, now, {
        action: 'mailbox.reconfirm',
        subjectType: 'mailbox',
        subjectId: mailbox.id,
        before: { staleAt: mailbox.staleAt, unreachableAt: mailbox.unreachableAt },
        after: { reconfirmDueAt: reachability.reconfirmDueAt },
      }),
    ]);
    return { ...found, mailbox: { ...mailbox, ...reachability, updatedAt: now } };
  }

  const replaced = await confirmedOfKind(deps, mailbox.authorityCode, mailbox.kind, mailbox.id);
  const reachability = confirmedReachability(deps.config, now);
  const confirmed: MailboxRow = { ...mailbox, state: 'confirmed', ...reachability, updatedAt: now };
  const [spent] = await deps.db.batch([
    spendLink(deps, tokenHash, now).returning({ usedAt: linkTokens.usedAt }),
    deps.db
      .update(mailboxes)
      .set({ state: 'confirmed', ...reachability, updatedAt: now })
      .where(and(eq(mailboxes.id, mailbox.id), eq(mailboxes.state, 'pending'))),
    auditEntry(deps.db, actor, now, {
      action: 'mailbox.confirm',
      subjectType: 'mailbox',
      subjectId: mailbox.id,
      before: { state: 'pending' },
      after: { state: 'confirmed' },
    }),
    ...retireReplacedStatements(deps, actor, confirmed, replaced, now),
  ]);
  if ((spent as unknown[]).length === 0) return { ...found, state: 'used' }; // lost a race with another click

  const authority = { code: mailbox.authorityCode, name: found.authorityName ?? mailbox.authorityCode };
  await sendConfirmed(deps, confirmed, authority);
  for (const old of replaced) await sendReplaced(deps, old, confirmed, authority);
  return { ...found, mailbox: confirmed };
}
