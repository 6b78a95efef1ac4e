// Updates and cancellations: a new draft threaded to a released advisory (parent = that advisory, thread
// = the original's thread), sent by the same sender, with the original's fields where none are given.
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { assertAuthor, assertMayChange, findOwnAdvisory, senderOf } from './advisory-scope.js';
import { checkAudience } from './audience-check.js';
import { assertMayMarkUrgent, saveDraft } from './create-advisory.js';
import type { AdvisoryInputData, AdvisoryVersionData } from './schemas.js';
import { assertTestMode, requireUsableTestAudience } from './test-audiences.js';
import type { AdvisoryView } from './view.js';

const released = new Set(['sending', 'sent']);

export async function createAdvisoryVersion(
  deps: Deps,
  actor: ActorContext,
  id: string,
  input: AdvisoryVersionData,
): Promise<AdvisoryView> {
  assertAuthor(actor.principal);
  const original = await findOwnAdvisory(deps, actor.principal, id);
  assertMayChange(actor.principal, original);
  if (!released.has(original.state))
    throw new AppError(
      'conflict',
      `Only a released advisory can be updated or cancelled; ${original.reference} is ${original.state}.`,
      { extra: { state: original.state } },
    );
  if (original.kind === 'cancellation')
    throw new AppError(
      'conflict',
      `${original.reference} is a cancellation; write the update to the advisory it cancelled.`,
    );

  const test = input.test ?? original.test;
  const testAudience =
    input.testAudience !== undefined ? input.testAudience : test ? original.testAudience : null;
  assertTestMode(test, testAudience);

  const sender = senderOf(original);
  if (input.audience) await checkAudience(deps, sender, input.audience);
  if (test && testAudience && testAudience !== original.testAudience)
    await requireUsableTestAudience(deps, sender, testAudience);

  const draft: AdvisoryInputData = {
    reference: input.reference,
    title: input.title ?? original.title,
    summary: input.summary,
    body: input.body,
    severity: input.severity ?? original.severity,
    tlp: input.tlp ?? original.tlp,
    cves: input.cves ?? original.cves,
    references: input.references ?? original.references,
    audience: input.audience ?? original.audience,
    test,
    testAudience,
    urgent: input.urgent ?? original.urgent,
    // Kept while the new version stays TLP:RED (encryption is only ever required of RED).
    requireEncryption: original.requireEncryption && (input.tlp ?? original.tlp) === 'RED',
  };
  if (input.urgent) assertMayMarkUrgent(actor.principal, input.urgent);
  return saveDraft(deps, actor, draft, {
    kind: input.kind,
    parentId: original.id,
    threadId: original.threadId,
    warpId: original.warpId,
  });
}
