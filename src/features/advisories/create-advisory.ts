// Composing an advisory: checked, saved as a draft with its reference, and audited in one atomic write.
// A WARP operator's draft belongs to its WARP and may address only the WARP's members.
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { withReference } from './advisory-reference.js';
import { assertAuthor } from './advisory-scope.js';
import { checkAudience } from './audience-check.js';
import type { AdvisoryInputData } from './schemas.js';
import { requireUsableTestAudience } from './test-audiences.js';
import { type AdvisoryRow, type AdvisoryView, toAdvisoryView } from './view.js';

/** The fields of a draft that the audit log records (the body only by its length). */
export function auditedFields(row: AdvisoryRow) {
  return {
    reference: row.reference,
    kind: row.kind,
    parentId: row.parentId,
    title: row.title,
    summary: row.summary,
    bodyLength: row.body.length,
    severity: row.severity,
    tlp: row.tlp,
    cves: row.cves,
    references: row.references,
    audience: row.audience,
    test: row.test,
    testAudience: row.testAudience,
    urgent: row.urgent,
    requireEncryption: row.requireEncryption,
    warp: row.warpId,
  };
}

export interface DraftExtras {
  kind?: AdvisoryRow['kind'];
  parentId?: string | null;
  threadId?: string;
  /** The WARP the draft belongs to; the author's own WARP when absent. */
  warpId?: string | null;
}

/** Saves a checked draft (used by createAdvisory and by new versions of a released one). */
export async function saveDraft(
  deps: Deps,
  actor: ActorContext,
  input: AdvisoryInputData,
  extras: DraftExtras = {},
): Promise<AdvisoryView> {
  const warpId =
    extras.warpId !== undefined
      ? extras.warpId
      : actor.principal.role === 'warp'
        ? actor.principal.warpId
        : null;
  const id = deps.random.id();
  const now = deps.clock.now();
  return withReference(deps, input.reference, warpId, async (reference) => {
    const row: AdvisoryRow = {
      id,
      reference,
      kind: extras.kind ?? 'advisory',
      parentId: extras.parentId ?? null,
      threadId: extras.threadId ?? id,
      title: input.title,
      summary: input.summary,
      body: input.body,
      severity: input.severity,
      tlp: input.tlp,
      cves: input.cves,
      references: input.references,
      audience: input.audience,
      test: input.test,
      testAudience: input.test ? (input.testAudience ?? null) : null,
      state: 'draft',
      warpId,
      createdBy: actor.principal.actor,
      createdAt: now,
      updatedAt: now,
      releasedBy: null,
      releasedAt: null,
      approvedBy: null,
      approvedAt: null,
      sentAt: null,
      cancelledBy: null,
      cancelledAt: null,
      needsSecondApproval: false,
      escalatedAt: null,
      urgent: input.urgent,
      smsEscalatedAt: null,
      requireEncryption: input.requireEncryption,
    };
    await deps.db.batch([
      deps.db.insert(advisories).values(row),
      auditEntry(deps.db, actor, now, {
        action: 'advisory.create',
        subjectType: 'advisory',
        subjectId: id,
        after: auditedFields(row),
      }),
    ]);
    return toAdvisoryView(row);
  });
}

/** Only an admin marks an advisory urgent (it texts every confirmed mobile in the audience). */
export function assertMayMarkUrgent(principal: ActorContext['principal'], urgent: boolean | undefined) {
  if (urgent && principal.role !== 'admin')
    throw new AppError('forbidden', 'Only an NCSC admin marks an advisory urgent.', {
      extra: { field: 'urgent' },
    });
}

/**
 * Only an admin requires encryption, and only of a TLP:RED advisory (keyless mailboxes then get a heads-up
 * instead of the content: see message.ts).
 */
export function assertMayRequireEncryption(
  principal: ActorContext['principal'],
  requireEncryption: boolean | undefined,
  tlp: AdvisoryRow['tlp'],
) {
  if (!requireEncryption) return;
  if (principal.role !== 'admin')
    throw new AppError('forbidden', 'Only an NCSC admin requires encryption of an advisory.', {
      extra: { field: 'requireEncryption' },
    });
  if (tlp !== 'RED')
    throw new AppError('validation_failed', 'Encryption can only be required of a TLP:RED advisory.', {
      extra: { field: 'requireEncryption' },
    });
}

/** Creates a draft advisory written by the actor (an admin, or a WARP operator for its members). */
export async function createAdvisory(
  deps: Deps,
  actor: ActorContext,
  input: AdvisoryInputData,
): Promise<AdvisoryView> {
  const principal = actor.principal;
  assertAuthor(principal);
  assertMayMarkUrgent(principal, input.urgent);
  assertMayRequireEncryption(principal, input.requireEncryption, input.tlp);
  await checkAudience(deps, principal, input.audience);
  if (input.test && input.testAudience) await requireUsableTestAudience(deps, principal, input.testAudience);
  return saveDraft(deps, actor, input);
}
