// Rotation without a gap: the mailbox being confirmed retires the confirmed mailboxes of the same kind in
// the same atomic write, and only if its own confirmation happens, so at every moment exactly one of each
// kind receives mail.

import { and, eq, ne, type SQL } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { type ApplyOptions, inBatchOrder } from '../audit/transitions.js';
import { afterRetirement } from './after-retirement.js';
import { mailboxTransitions } from './transitions.js';
import type { MailboxRow } from './view.js';

/** The confirmed mailboxes of this kind that a newly confirmed mailbox replaces. */
export async function confirmedOfKind(
  deps: Pick<Deps, 'db'>,
  mailbox: Pick<MailboxRow, 'id' | 'authorityCode' | 'kind'>,
): Promise<MailboxRow[]> {
  return deps.db
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.authorityCode, mailbox.authorityCode),
        eq(mailboxes.kind, mailbox.kind),
        eq(mailboxes.state, 'confirmed'),
        ne(mailboxes.id, mailbox.id),
      ),
    );
}

export interface Replacements {
  /** The statements retiring each replaced mailbox, for the batch of the replacement's own change. */
  items: BatchItem[];
  /** The mailboxes really retired, given the batch's results and where `items` started in the batch. */
  replaced(results: readonly unknown[], offset: number): MailboxRow[];
}

/**
 * Retiring `olds` because `replacement` replaces them: each written only while it is still confirmed and
 * `when` (the replacement's own change is still to happen) holds.
 */
export function replacementsOf(
  deps: Pick<Deps, 'db'>,
  actor: ActorContext,
  replacement: Pick<MailboxRow, 'id' | 'address'>,
  olds: MailboxRow[],
  at: Date,
  when?: SQL,
): Replacements {
  const reason = `replaced by ${replacement.address}`;
  const items: BatchItem[] = [];
  const positions: number[] = [];
  for (const old of olds) {
    const parts = mailboxTransitions.statements(deps.db, actor, 'replace', old.id, {
      set: { retiredAt: at, retiredReason: reason },
      when,
      audit: { before: { state: old.state }, after: { reason, replacedBy: replacement.id } },
      after: afterRetirement(deps, old.id, at),
      at,
    });
    positions.push(items.length + parts.before.length);
    items.push(...inBatchOrder(parts));
  }
  return {
    items,
    replaced: (results, offset) =>
      positions.flatMap((p) => (results[offset + p] as MailboxRow[] | undefined) ?? []),
  };
}

/**
 * Confirms `mailbox` (its link followed, or an admin vouching) and retires what it replaces, in one batch:
 * the confirmed row and the rows it replaced, or a 409 when the confirmation did not happen.
 */
export async function confirmReplacing(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: ActorContext,
  name: 'confirm' | 'vouch' | 'handOver',
  mailbox: MailboxRow,
  options: ApplyOptions<typeof mailboxes> & { at: Date },
): Promise<{ mailbox: MailboxRow; replaced: MailboxRow[] }> {
  const main = mailboxTransitions.statements(deps.db, actor, name, mailbox.id, options);
  const replacements = replacementsOf(
    deps,
    actor,
    mailbox,
    await confirmedOfKind(deps, mailbox),
    options.at,
    mailboxTransitions.stillApplies(mailbox.id, name, options.when),
  );
  const items = [...main.before, ...replacements.items, main.update, ...main.after];
  const results = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  const [confirmed] = results[main.before.length + replacements.items.length] as MailboxRow[];
  if (!confirmed) throw await mailboxTransitions.conflictNow(deps.db, name, mailbox.id);
  return { mailbox: confirmed, replaced: replacements.replaced(results, main.before.length) };
}
