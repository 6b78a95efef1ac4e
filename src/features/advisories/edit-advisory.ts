// Editing a draft: only drafts change, only by their author (or the author's WARP) or an admin; the
// change and its audit entry are one atomic write, guarded against a release happening meanwhile.
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { advisories, auditLog } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { assertMayChange, findVisibleAdvisory, senderOf } from './advisory-scope.js';
import { checkAudience } from './audience-check.js';
import { auditedFields } from './create-advisory.js';
import type { AdvisoryPatchData } from './schemas.js';
import { assertTestMode, requireUsableTestAudience } from './test-audiences.js';
import { type AdvisoryRow, type AdvisoryView, toAdvisoryView } from './view.js';

function notADraft(row: AdvisoryRow): AppError {
  return new AppError('conflict', `Only a draft can be edited; ${row.reference} is ${row.state}.`, {
    extra: { state: row.state },
  });
}

export async function editAdvisory(
  deps: Deps,
  actor: ActorContext,
  id: string,
  patch: AdvisoryPatchData,
): Promise<AdvisoryView> {
  const row = await findVisibleAdvisory(deps, actor.principal, id);
  assertMayChange(actor.principal, row);
  if (row.state !== 'draft') throw notADraft(row);

  const test = patch.test ?? row.test;
  // Leaving test mode drops the test audience unless one is given (which is then an error below).
  const testAudience = patch.testAudience !== undefined ? patch.testAudience : test ? row.testAudience : null;
  assertTestMode(test, testAudience);

  const sender = senderOf(row);
  if (patch.audience) await checkAudience(deps, sender, patch.audience);
  if (test && testAudience && testAudience !== row.testAudience)
    await requireUsableTestAudience(deps, sender, testAudience);

  const now = deps.clock.now();
  const changes = {
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.summary !== undefined && { summary: patch.summary }),
    ...(patch.body !== undefined && { body: patch.body }),
    ...(patch.severity !== undefined && { severity: patch.severity }),
    ...(patch.tlp !== undefined && { tlp: patch.tlp }),
    ...(patch.cves !== undefined && { cves: patch.cves }),
    ...(patch.references !== undefined && { references: patch.references }),
    ...(patch.audience !== undefined && { audience: patch.audience }),
    test,
    testAudience: testAudience ?? null,
    updatedAt: now,
  };
  const after: AdvisoryRow = { ...row, ...changes };
  const stillDraft = and(eq(advisories.id, id), eq(advisories.state, 'draft'))!;
  const [, updated] = await deps.db.batch([
    // The audit entry comes first and only while it is still a draft, so a release that wins the race
    // leaves neither a change nor an entry claiming one.
    auditEntryIf(deps, actor, now, stillDraft, {
      action: 'advisory.edit',
      subjectId: id,
      before: auditedFields(row),
      after: auditedFields(after),
    }),
    deps.db.update(advisories).set(changes).where(stillDraft).returning({ id: advisories.id }),
  ]);
  if (updated.length === 0) throw notADraft(await findVisibleAdvisory(deps, actor.principal, id));
  return toAdvisoryView(after);
}

/** An `advisory.*` audit entry written only when `condition` holds on the advisory (inside the same batch). */
function auditEntryIf(
  deps: Deps,
  actor: ActorContext,
  at: Date,
  condition: SQL,
  change: { action: string; subjectId: string; before: unknown; after: unknown },
) {
  const p = actor.principal;
  return deps.db.insert(auditLog).select(
    sql`select null, ${at.getTime()}, ${p.actor}, ${p.role}, ${change.action}, 'advisory', ${change.subjectId},
      ${JSON.stringify(change.before)}, ${JSON.stringify(change.after)}, ${actor.requestId ?? null}, ${actor.ip ?? null}
      where exists (select 1 from ${advisories} where ${condition})`,
  );
}
