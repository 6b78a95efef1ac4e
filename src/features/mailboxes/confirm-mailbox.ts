// Following a confirmation link: show what it will do (GET), then do it (POST). The link's being unspent
// is part of the transition's guard and spending it part of the same write; confirming retires the mailbox
// it replaces in that write too, then tells the new address and, on rotation, both addresses (or, for a new
// primary replacing a confirmed one, asks that primary first).
import { eq } from 'drizzle-orm';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { type ActorContext, mailboxHolder } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { findAuthority } from '../authority-register/get-authority.js';
import { askForHandover, consentNeededFrom } from './handover.js';
import { inspectLink, type LinkState, linkIsUnspent, spendLink } from './links.js';
import { sendConfirmed, sendReplaced } from './notify.js';
import { confirmedReachability } from './reachability.js';
import { confirmReplacing } from './rotation.js';
import { mailboxTransitions } from './transitions.js';
import type { MailboxRow } from './view.js';

interface LinkDetails {
  mailbox: MailboxRow;
  authorityName: string;
  expiresAt: Date;
  /** The stored hash of the link, so confirming spends it without looking it up again. */
  tokenHash: string;
}

export type ConfirmationView =
  | ({ state: 'valid' } & LinkDetails)
  | ({ state: Exclude<LinkState, 'valid'> | 'not-pending' } & Partial<LinkDetails>);

export async function inspectConfirmation(deps: Deps, secret: string): Promise<ConfirmationView> {
  const found = await inspectLink(deps, secret, ['confirm', 'reconfirm']);
  if (!found.link) return { state: 'unknown' };
  const mailbox = await deps.db.query.mailboxes.findFirst({ where: eq(mailboxes.id, found.link.mailboxId) });
  if (!mailbox) return { state: 'unknown' };
  const authority = await findAuthority(deps, mailbox.authorityCode);
  const details: LinkDetails = {
    mailbox,
    authorityName: authority?.name ?? mailbox.authorityCode,
    expiresAt: found.link.expiresAt,
    tokenHash: found.link.tokenHash,
  };
  if (found.state !== 'valid') return { state: found.state, ...details };
  const reconfirming = found.link.purpose === 'reconfirm' && mailbox.state === 'confirmed';
  if (mailbox.state !== 'pending' && !reconfirming) return { state: 'not-pending', ...details };
  return { state: 'valid', ...details };
}

export async function confirmMailbox(deps: Deps, secret: string, ip: string): Promise<ConfirmationView> {
  const found = await inspectConfirmation(deps, secret);
  if (found.state !== 'valid') return found;
  const actor = { principal: mailboxHolder(found.mailbox.id, found.mailbox.authorityCode), ip };
  try {
    const mailbox =
      found.mailbox.state === 'confirmed'
        ? await reconfirm(deps, actor, found)
        : await confirmFirst(deps, actor, found);
    return { ...found, mailbox };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'conflict') throw err;
    // Something got there first. The mailbox changed (confirmed by another click, retired): say so; it did
    // not (another click re-confirmed it): the link is used.
    const current = await inspectConfirmation(deps, secret);
    if (current.mailbox && current.mailbox.state !== found.mailbox.state)
      return { ...current, state: 'not-pending' };
    return current.state === 'valid' ? { ...current, state: 'used' } : current;
  }
}

/** A re-confirmation: the mailbox proves it is still read (no longer stale or unreachable). */
async function reconfirm(deps: Deps, actor: ActorContext, link: LinkDetails): Promise<MailboxRow> {
  const at = deps.clock.now();
  const reachability = confirmedReachability(deps.config, at);
  return mailboxTransitions.apply(deps, actor, 'reconfirm', link.mailbox.id, {
    set: reachability,
    when: linkIsUnspent(link.tokenHash, at),
    audit: {
      before: { staleAt: link.mailbox.staleAt, unreachableAt: link.mailbox.unreachableAt },
      after: { reconfirmDueAt: reachability.reconfirmDueAt },
    },
    after: [spendLink(deps, link.tokenHash, at)],
    at,
  });
}

/**
 * The first confirmation: confirmed, what it replaces retired, then both told. A new primary that would
 * replace a confirmed one instead waits for that primary's consent (see handover.ts).
 */
async function confirmFirst(deps: Deps, actor: ActorContext, link: LinkDetails): Promise<MailboxRow> {
  const current = await consentNeededFrom(deps, link.mailbox);
  if (current) return askForHandover(deps, actor, 'awaitHandover', link.mailbox, current, link);
  const at = deps.clock.now();
  const { mailbox, replaced } = await confirmReplacing(deps, actor, 'confirm', link.mailbox, {
    set: confirmedReachability(deps.config, at),
    when: linkIsUnspent(link.tokenHash, at),
    audit: { before: { state: link.mailbox.state } },
    after: [spendLink(deps, link.tokenHash, at)],
    at,
  });
  const authority = { code: mailbox.authorityCode, name: link.authorityName };
  await sendConfirmed(deps, mailbox, authority);
  for (const old of replaced) await sendReplaced(deps, old, mailbox, authority);
  return mailbox;
}
