// Rotation without a gap: the mailbox being confirmed retires the confirmed mailboxes of the same kind
// in the same atomic write, so at every moment exactly one of each kind receives mail.
import { and, eq } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { auditEntry } from '../audit/record.js';
import type { MailboxRow } from './view.js';

export function retireReplacedStatements(
  deps: Deps,
  actor: ActorContext,
  replacement: MailboxRow,
  replaced: MailboxRow[],
  at: Date,
): BatchItem[] {
  return replaced.flatMap((old) => {
    const reason = `replaced by ${replacement.address}`;
    return [
      deps.db
        .update(mailboxes)
        .set({ state: 'retired', retiredAt: at, retiredReason: reason, updatedAt: at })
        .where(and(eq(mailboxes.id, old.id), eq(mailboxes.state, 'confirmed'))),
      auditEntry(deps.db, actor, at, {
        action: 'mailbox.retire',
        subjectType: 'mailbox',
        subjectId: old.id,
        before: { state: old.state },
        after: { state: 'retired', reason, replacedBy: replacement.id },
      }),
    ];
  });
}

/** The confirmed mailboxes of this kind that a newly confirmed mailbox replaces. */
export async function confirmedOfKind(
  deps: Deps,
  authorityCode: string,
  kind: MailboxRow['kind'],
  except: string,
) {
  const rows = await deps.db
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.authorityCode, authorityCode),
        eq(mailboxes.kind, kind),
        eq(mailboxes.state, 'confirmed'),
      ),
    );
  return rows.filter((r) => r.id !== except);
}
