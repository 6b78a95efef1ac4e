// "Did you issue an advisory with this reference?": yes and when (the release, or its approval when it
// needed a second admin), with a link to its public page only when it is TLP:CLEAR; nothing else about it,
// so a TLP:AMBER or RED advisory's title and content stay with its recipients. Test advisories and drafts
// were never issued.
import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { ukDateTime } from '../../domain/uk-time.js';
import { publicAdvisoryUrl } from '../advisories/feed-entries.js';

export interface ReferenceCheck {
  verdict: 'issued' | 'not-issued';
  reference: string;
  issuedAt: string | null;
  publicUrl: string | null;
  explanation: string;
}

export async function checkReference(deps: Deps, input: string): Promise<ReferenceCheck> {
  const reference = input.trim().toUpperCase();
  const [row] = await deps.db
    .select({
      reference: advisories.reference,
      tlp: advisories.tlp,
      state: advisories.state,
      releasedAt: advisories.releasedAt,
      approvedAt: advisories.approvedAt,
    })
    .from(advisories)
    .where(
      and(
        eq(sql`upper(${advisories.reference})`, reference),
        eq(advisories.test, false),
        inList(advisories.state, ['sending', 'sent', 'cancelled']),
        isNotNull(advisories.releasedAt),
        or(eq(advisories.needsSecondApproval, false), isNotNull(advisories.approvedAt)),
      ),
    )
    .limit(1);
  if (!row?.releasedAt)
    return {
      verdict: 'not-issued',
      reference,
      issuedAt: null,
      publicUrl: null,
      explanation: `We have not issued an advisory with the reference ${reference}. If a message claims to be our advisory ${reference}, it was not sent by us: treat it as suspicious and report it to your security team.`,
    };
  const issuedAt = row.approvedAt ?? row.releasedAt;
  const publicUrl =
    row.tlp === 'CLEAR' && row.state !== 'cancelled' ? publicAdvisoryUrl(deps.config, row.reference) : null;
  return {
    verdict: 'issued',
    reference: row.reference,
    issuedAt: issuedAt.toISOString(),
    publicUrl,
    explanation:
      `We issued an advisory with the reference ${row.reference} on ${ukDateTime(issuedAt)}.` +
      (publicUrl
        ? ' It is public: compare what you received with the published advisory.'
        : ' It was sent only to the councils it was meant for, so we do not show its content here: to check an e-mail that claims to be it, upload the e-mail.'),
  };
}
