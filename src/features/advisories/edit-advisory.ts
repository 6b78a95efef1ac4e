// Editing a draft: only drafts change, only by their author (or the author's WARP) or an admin; the
// change and its audit entry are one atomic write (the `edit` transition).
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { assertMayChange, findOwnAdvisory, senderOf } from './advisory-scope.js';
import { checkAudience } from './audience-check.js';
import { assertMayMarkUrgent, assertMayRequireEncryption, auditedFields } from './create-advisory.js';
import type { AdvisoryPatchData } from './schemas.js';
import { assertTestMode, requireUsableTestAudience } from './test-audiences.js';
import { advisoryTransitions } from './transitions.js';
import { type AdvisoryView, toAdvisoryView } from './view.js';

export async function editAdvisory(
  deps: Deps,
  actor: ActorContext,
  id: string,
  patch: AdvisoryPatchData,
): Promise<AdvisoryView> {
  const row = await findOwnAdvisory(deps, actor.principal, id);
  assertMayChange(actor.principal, row);
  advisoryTransitions.assertCan(row, 'edit');
  assertMayMarkUrgent(actor.principal, patch.urgent);
  // Changing the TLP away from RED drops the requirement; setting it needs an admin and RED.
  const tlp = patch.tlp ?? row.tlp;
  const requireEncryption = (patch.requireEncryption ?? row.requireEncryption) && tlp === 'RED';
  if (patch.requireEncryption !== undefined)
    assertMayRequireEncryption(actor.principal, patch.requireEncryption, tlp);

  const test = patch.test ?? row.test;
  // Leaving test mode drops the test audience unless one is given (which is then an error below).
  const testAudience = patch.testAudience !== undefined ? patch.testAudience : test ? row.testAudience : null;
  assertTestMode(test, testAudience);

  const sender = senderOf(row);
  if (patch.audience) await checkAudience(deps, sender, patch.audience);
  if (test && testAudience && testAudience !== row.testAudience)
    await requireUsableTestAudience(deps, sender, testAudience);

  const changes = {
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.summary !== undefined && { summary: patch.summary }),
    ...(patch.body !== undefined && { body: patch.body }),
    ...(patch.severity !== undefined && { severity: patch.severity }),
    ...(patch.tlp !== undefined && { tlp: patch.tlp }),
    ...(patch.cves !== undefined && { cves: patch.cves }),
    ...(patch.references !== undefined && { references: patch.references }),
    ...(patch.audience !== undefined && { audience: patch.audience }),
    ...(patch.urgent !== undefined && { urgent: patch.urgent }),
    requireEncryption,
    test,
    testAudience: testAudience ?? null,
  };
  // Guarded on the advisory still being a draft: a release that wins the race leaves neither a change nor
  // an audit entry claiming one.
  const edited = await advisoryTransitions.apply(deps, actor, 'edit', id, {
    set: changes,
    audit: { before: auditedFields(row), after: auditedFields({ ...row, ...changes }) },
  });
  return toAdvisoryView(edited);
}
