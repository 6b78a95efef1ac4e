// The two-person rule, made noticeable: once an advisory waits for a second admin (never before), every
// other administrator is e-mailed a link to its check page, through the outbound queue's urgent lane. The
// other administrators are the enabled admin staff members who are not the person who wrote or released
// it, and the configured admin team addresses. How many wait is what the Approvals menu shows.
import { and, eq, isNull, sql } from 'drizzle-orm';
import advisoryApprovalNeeded from '../../../templates/advisory-approval-needed.js';
import { advisories, mailboxes, registerImports, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { ukDateTime } from '../../domain/uk-time.js';
import { composeMessage } from '../../mail/compose.js';
import { describeActor } from '../auth/people.js';
import { queueMails } from '../outbound/queue-mail.js';
import { wroteOrReleased } from './two-person.js';
import type { AdvisoryRow } from './view.js';

/** The addresses to tell: admins other than the author and the releaser, and the admin team's addresses. */
async function otherAdmins(deps: Deps, advisory: AdvisoryRow): Promise<string[]> {
  const staff = await deps.db
    .select({ address: staffMembers.address })
    .from(staffMembers)
    .where(and(eq(staffMembers.role, 'admin'), isNull(staffMembers.disabledAt)));
  const out = new Set<string>();
  for (const { address } of staff)
    if (!(await wroteOrReleased(deps, `staff:${address}`, advisory))) out.add(address);
  for (const address of deps.config.ADMIN_NOTIFY_ADDRESSES.split(','))
    if (address.trim()) out.add(address.trim().toLowerCase());
  return [...out];
}

/** E-mails the other admins that this advisory waits for them; the number of messages queued. */
export async function notifyApprovers(
  deps: Deps,
  advisory: AdvisoryRow,
  reach: { councils: number; mailboxes: number; warps: string[] },
): Promise<number> {
  try {
    const to = await otherAdmins(deps, advisory);
    const releasedBy = await describeActor(deps, advisory.releasedBy);
    const why =
      advisory.tlp === 'RED'
        ? 'It is TLP:RED'
        : `It reaches more than one WARP (${reach.warps.filter((w) => w !== '(none)').length})`;
    const data = {
      serviceName: deps.config.SERVICE_NAME,
      reference: advisory.reference,
      title: advisory.tlp === 'RED' ? null : advisory.title,
      tlp: advisory.tlp,
      severity: advisory.severity,
      releasedBy,
      releasedAt: advisory.releasedAt ? ukDateTime(advisory.releasedAt) : 'just now',
      councils: reach.councils,
      mailboxes: reach.mailboxes,
      why,
      checkUrl: `${deps.config.PUBLIC_BASE_URL}/advisories/${advisory.id}/approve`,
    };
    await queueMails(
      deps,
      to.map((address, i) => ({
        message: composeMessage(deps.config, advisoryApprovalNeeded, data, address, {
          // Unguessable: the genuineness check must not confirm who was asked from an advisory id alone.
          messageId: `approve.${advisory.id}.${i}.${deps.random.secret(9)}`,
        }),
        options: { lane: 'urgent' as const, purpose: 'advisory approval needed' },
      })),
    );
    return to.length;
  } catch (err) {
    // The release has happened: the Approvals menu still shows it waiting.
    deps.log.error('could not tell the other admins an advisory waits for them', {
      advisoryId: advisory.id,
      err,
    });
    return 0;
  }
}

/** What waits for an admin on the Approvals page: advisories for a second admin, mailboxes to review, held register imports. */
export async function approvalsWaiting(
  deps: Deps,
): Promise<{ advisories: number; mailboxes: number; registerImports: number }> {
  const [row] = await deps.db.all<{ advisories: number; mailboxes: number; registerImports: number }>(sql`
    select (select count(*) from ${advisories} where ${advisories.state} = 'awaiting-approval') as advisories,
      (select count(*) from ${mailboxes} where ${mailboxes.state} in ('awaiting-approval', 'awaiting-handover')) as mailboxes,
      (select count(*) from ${registerImports} where ${registerImports.state} = 'held') as registerImports`);
  return {
    advisories: Number(row?.advisories ?? 0),
    mailboxes: Number(row?.mailboxes ?? 0),
    registerImports: Number(row?.registerImports ?? 0),
  };
}
