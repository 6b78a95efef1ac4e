// What a send would reach before anything is sent: councils, mailboxes, WARPs touched, whether a second
// admin must approve, and the councils in the audience with no mailbox that would receive it.
import { eq } from 'drizzle-orm';
import { type Audience, testAudiences } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { assertAuthor, findOwnAdvisory, senderOf } from './advisory-scope.js';
import { type AudiencePreview, previewAudience } from './audience.js';
import { checkAudience } from './audience-check.js';
import { requireUsableTestAudience } from './test-audiences.js';

export interface AdvisoryPreview extends AudiencePreview {
  needsSecondApproval: boolean;
  /** In test mode, the only addresses the advisory goes to. */
  testAudience: { name: string; addresses: number } | null;
}

/**
 * Whether a send needs a second admin's approval: it reaches more than one WARP, or it is TLP:RED.
 * (Councils in no WARP, shown as "(none)", are not a WARP.)
 */
export function needsSecondAdmin(warps: readonly string[], tlp: string): boolean {
  return tlp === 'RED' || warps.filter((w) => w !== '(none)').length > 1;
}

export interface PreviewRequest {
  audience: Audience;
  tlp: string;
  test?: boolean;
  testAudience?: string | null;
}

async function previewAs(deps: Deps, sender: Principal, request: PreviewRequest, addresses: number | null) {
  const reach = await previewAudience(deps, sender, request.audience, request.tlp);
  return {
    ...reach,
    needsSecondApproval: needsSecondAdmin(reach.warps, request.tlp),
    testAudience:
      request.test && request.testAudience ? { name: request.testAudience, addresses: addresses ?? 0 } : null,
  } satisfies AdvisoryPreview;
}

/** The preview of a saved advisory, computed as its sender (a WARP's advisory reaches only its members). */
export async function previewAdvisory(
  deps: Deps,
  principal: Principal,
  id: string,
): Promise<AdvisoryPreview> {
  assertAuthor(principal);
  const row = await findOwnAdvisory(deps, principal, id);
  let addresses: number | null = null;
  if (row.test && row.testAudience) {
    const audience = await deps.db.query.testAudiences.findFirst({
      where: eq(testAudiences.name, row.testAudience),
    });
    addresses = audience?.addresses.length ?? 0;
  }
  return previewAs(deps, senderOf(row), row, addresses);
}

/** The preview of an audience not saved yet; refused (403) when the caller may not address it. */
export async function previewUnsaved(
  deps: Deps,
  principal: Principal,
  request: PreviewRequest,
): Promise<AdvisoryPreview> {
  assertAuthor(principal);
  await checkAudience(deps, principal, request.audience);
  let addresses: number | null = null;
  if (request.test && request.testAudience)
    addresses = (await requireUsableTestAudience(deps, principal, request.testAudience)).addresses.length;
  return previewAs(deps, principal, request, addresses);
}
