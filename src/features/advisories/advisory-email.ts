// The advisory e-mail before it is sent: a preview exactly as recipients will see it (subject, sender, the
// HTML and the plain-text parts, rendered by the template the fan-out uses), and "send a test to me": one
// copy to the signed-in staff member's own address, marked TEST, through the outbound queue. Both are for
// the advisory's author only (an admin, or its WARP's operators), whatever its TLP label: the author may read
// it, and a test goes to nobody but themselves. Tests are rate limited per person and audited. A test is
// signed with the service's OpenPGP key like the real copies, so its author can check the signature too.

import { eq } from 'drizzle-orm';
import advisoryTemplate from '../../../templates/advisory.js';
import { kindLabel } from '../../../templates/template.js';
import { outboundMail, staffMembers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { composeMessage } from '../../mail/compose.js';
import { buildMimeMessage } from '../../mail/mime-message.js';
import { signMessage } from '../../mail/pgp-mime.js';
import { enforceLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { personOf } from '../auth/people.js';
import { advisorySigner } from '../openpgp/service-key.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { queuedRow, wakeSender } from '../outbound/queue-mail.js';
import { assertAuthor, findOwnAdvisory } from './advisory-scope.js';
import { advisoryParent } from './get-advisory.js';
import { advisoryMailData } from './message.js';
import type { AdvisoryRow } from './view.js';

export interface AdvisoryEmail {
  from: string;
  subject: string;
  /** Who the preview's copy is addressed as. */
  recipientLabel: string;
  text: string;
  html: string;
}

/** Tests one person may send themselves in an hour. */
export const TESTS_PER_HOUR = 10;

async function render(
  deps: Deps,
  advisory: AdvisoryRow,
  each: { ackUrl: string; recipientLabel: string; test?: boolean },
  to: string,
  messageId?: string,
) {
  const parent = await advisoryParent(deps, advisory);
  const data = advisoryMailData(deps, advisory, parent?.reference ?? null, each);
  return composeMessage(deps.config, advisoryTemplate, data, to, messageId ? { messageId } : {});
}

/** The e-mail as the primary mailbox of a council receives it (each copy has its own acknowledgement link). */
export async function previewAdvisoryEmail(
  deps: Deps,
  principal: Principal,
  id: string,
): Promise<AdvisoryEmail> {
  assertAuthor(principal);
  const advisory = await findOwnAdvisory(deps, principal, id);
  const recipientLabel = advisory.test
    ? 'each address of the test audience'
    : `the ${kindLabel('primary')} security mailbox of each council`;
  const message = await render(
    deps,
    advisory,
    { ackUrl: `${deps.config.PUBLIC_BASE_URL}/ack/each-mailbox-gets-its-own-link`, recipientLabel },
    'recipient@invalid.example',
  );
  return {
    from: message.from ?? deps.config.MAIL_FROM,
    subject: message.subject,
    recipientLabel,
    text: message.text,
    html: message.html ?? '',
  };
}

/** The address of the staff member behind the caller (a session, or a token they made); else 409. */
async function ownAddress(deps: Deps, principal: Principal): Promise<string> {
  const person = await personOf(deps, principal.actor);
  const address = person.startsWith('staff:') ? person.slice('staff:'.length) : null;
  const [staff] = address
    ? await deps.db.select().from(staffMembers).where(eq(staffMembers.address, address)).limit(1)
    : [];
  if (!staff || staff.disabledAt)
    throw new AppError(
      'conflict',
      'A test goes to your own staff address: sign in with your staff account (a sign-in link) to send one.',
    );
  return staff.address;
}

/** Queues one copy, marked TEST, to the caller's own staff address. */
export async function sendTestToMe(
  deps: Deps,
  actor: ActorContext,
  id: string,
): Promise<{ to: string; messageId: string }> {
  assertMailAvailable(deps);
  const principal = actor.principal;
  assertAuthor(principal);
  const advisory = await findOwnAdvisory(deps, principal, id);
  // An advisory that may only travel encrypted is not sent in the clear to its author either.
  if (advisory.tlp === 'RED' && advisory.requireEncryption)
    throw new AppError(
      'conflict',
      'This TLP:RED advisory may only be sent encrypted, so no test copy is sent: read it on its page, or use the e-mail preview.',
    );
  const to = await ownAddress(deps, principal);
  await enforceLimits(
    deps,
    [{ key: `advisory-test:${to}`, max: TESTS_PER_HOUR, windowSeconds: 3600 }],
    'test e-mails',
  );
  const message = await render(
    deps,
    advisory,
    {
      // A test acknowledges nothing: the link opens the advisory's page for its author.
      ackUrl: `${deps.config.PUBLIC_BASE_URL}/advisories/${advisory.id}`,
      recipientLabel: `${to} (a test you sent yourself)`,
      test: true,
    },
    to,
    `advisory-test.${advisory.id}.${deps.random.id()}`,
  );
  // Signed now (the queue keeps the whole message, and sends these bytes: see OutgoingMessage.raw).
  const signer = await advisorySigner(deps);
  if (signer)
    message.raw = await signMessage(
      buildMimeMessage(message, { from: deps.config.MAIL_FROM, date: deps.clock.now() }),
      signer,
    );
  // The queued copy and its audit entry in one write; then the sender is woken.
  const options = { lane: 'urgent' as const, purpose: 'advisory test to its author' };
  await deps.db.batch([
    deps.db.insert(outboundMail).values(queuedRow(deps, message, options)),
    auditEntry(deps.db, actor, deps.clock.now(), {
      action: 'advisory.test-sent',
      subjectType: 'advisory',
      subjectId: advisory.id,
      after: { to },
    }),
  ]);
  await wakeSender(deps, options.lane);
  return { to, messageId: message.messageId };
}
