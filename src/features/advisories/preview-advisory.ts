// What a send would reach before anything is sent: councils, mailboxes, WARPs touched, whether a second
// admin must approve, and the councils in the audience with no mailbox that would receive it.
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { type Audience, authorities, mailboxes, mailboxKeys, testAudiences } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { canEncrypt } from '../mailbox-keys/encrypt.js';
import { assertAuthor, findOwnAdvisory, senderOf } from './advisory-scope.js';
import {
  type AudiencePreview,
  audienceCondition,
  previewAudience,
  recipientMailboxCondition,
} from './audience.js';
import { checkAudience } from './audience-check.js';
import { ENCRYPTED_TLPS } from './message.js';
import { requireUsableTestAudience } from './test-audiences.js';

export interface AdvisoryPreview extends AudiencePreview {
  needsSecondApproval: boolean;
  /** In test mode, the only addresses the advisory goes to. */
  testAudience: { name: string; addresses: number } | null;
  /** TLP:AMBER and TLP:RED: how many copies go encrypted, as a heads-up only, or in the clear. */
  encryption: EncryptionPreview | null;
}

export interface EncryptionPreview {
  /** Mailboxes with a confirmed, usable OpenPGP key: their copy is encrypted. */
  encrypted: number;
  /** Required encryption (TLP:RED): the keyless mailboxes get a heads-up without the content. */
  headsUp: number;
  /** Sent signed but not encrypted. */
  plain: number;
  /** Why nothing can be encrypted (GOV.UK Notify), when that is so. */
  note: string | null;
}

/** How the audience's copies of an AMBER or RED advisory would be protected (null below AMBER). */
async function encryptionPreview(
  deps: Deps,
  sender: Principal,
  request: PreviewRequest,
  mailboxCount: number,
): Promise<EncryptionPreview | null> {
  if (!ENCRYPTED_TLPS.includes(request.tlp)) return null;
  const possible = canEncrypt(deps);
  const now = deps.clock.now();
  const keyed = possible
    ? await deps.db
        .select({ n: sql<number>`count(distinct ${mailboxes.id})` })
        .from(mailboxes)
        .innerJoin(authorities, eq(authorities.code, mailboxes.authorityCode))
        .innerJoin(mailboxKeys, eq(mailboxKeys.mailboxId, mailboxes.id))
        .where(
          and(
            audienceCondition(request.audience, sender),
            recipientMailboxCondition(request.tlp),
            eq(mailboxKeys.state, 'confirmed'),
            isNull(mailboxKeys.revokedAt),
            or(isNull(mailboxKeys.expiresAt), gt(mailboxKeys.expiresAt, now)),
          ),
        )
    : [{ n: 0 }];
  const encrypted = Math.min(Number(keyed[0]?.n ?? 0), mailboxCount);
  const required = request.tlp === 'RED' && Boolean(request.requireEncryption);
  const rest = mailboxCount - encrypted;
  return {
    encrypted,
    headsUp: required ? rest : 0,
    plain: required ? 0 : rest,
    note: possible
      ? null
      : 'Mail goes through GOV.UK Notify, which cannot carry encrypted e-mail: nothing is encrypted, and where encryption is required every mailbox gets a heads-up.',
  };
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
  requireEncryption?: boolean;
}

async function previewAs(deps: Deps, sender: Principal, request: PreviewRequest, addresses: number | null) {
  const reach = await previewAudience(deps, sender, request.audience, request.tlp);
  return {
    ...reach,
    needsSecondApproval: needsSecondAdmin(reach.warps, request.tlp),
    testAudience:
      request.test && request.testAudience ? { name: request.testAudience, addresses: addresses ?? 0 } : null,
    encryption: await encryptionPreview(deps, sender, request, reach.mailboxes),
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
