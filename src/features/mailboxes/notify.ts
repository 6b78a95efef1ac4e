// The e-mails the mailbox flows send, each put in the outbound queue in its lane (links someone waits for
// first, notices after, re-confirmations in bulk). The state change each follows is already committed; the
// queue sends, retries and records the outcome. `true` means queued.
import approvalNeeded from '../../../templates/approval-needed.js';
import confirmation from '../../../templates/confirmation.js';
import confirmed from '../../../templates/confirmed.js';
import handoverRefused from '../../../templates/handover-refused.js';
import handoverRequest from '../../../templates/handover-request.js';
import magicLink from '../../../templates/magic-link.js';
import mailboxReplaced from '../../../templates/mailbox-replaced.js';
import type { Deps } from '../../deps.js';
import type { MailLane } from '../../domain/outbound.js';
import { composeMessage } from '../../mail/compose.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import { domainOf } from '../checks/status.js';
import { queueMail } from '../outbound/queue-mail.js';
import type { MailboxRow } from './view.js';

interface Authority {
  code: string;
  name: string;
}

async function send(
  deps: Deps,
  message: OutgoingMessage,
  purpose: string,
  lane: MailLane = 'notices',
  notBefore?: Date,
): Promise<boolean> {
  try {
    // Spread-out bulk mail is queued by a sweep, which wakes the sender once when it is done.
    await queueMail(deps, message, { lane, purpose, notBefore, wake: lane !== 'bulk' });
    return true;
  } catch (err) {
    deps.log.error('mail could not be queued', { what: purpose, to: message.to, err });
    return false;
  }
}

export function sendConfirmation(
  deps: Deps,
  mailbox: MailboxRow,
  authority: Authority,
  link: { url: string; expiresAt: Date; tokenHash: string },
  isReconfirmation = false,
  /** A re-confirmation goes in the bulk lane, not before this time (a sweep spreads them out). */
  notBefore?: Date,
) {
  const message = composeMessage(
    deps.config,
    confirmation,
    {
      serviceName: deps.config.SERVICE_NAME,
      authorityName: authority.name,
      address: mailbox.address,
      kind: mailbox.kind,
      team: mailbox.team,
      confirmUrl: link.url,
      expiresAt: link.expiresAt,
      isReconfirmation,
    },
    mailbox.address,
    { messageId: `confirm.${link.tokenHash.slice(0, 24)}` },
  );
  return isReconfirmation
    ? send(deps, message, 're-confirmation', 'bulk', notBefore)
    : send(deps, message, 'confirmation', 'urgent');
}

export function sendConfirmed(deps: Deps, mailbox: MailboxRow, authority: Authority) {
  const message = composeMessage(
    deps.config,
    confirmed,
    {
      serviceName: deps.config.SERVICE_NAME,
      authorityName: authority.name,
      address: mailbox.address,
      kind: mailbox.kind,
    },
    mailbox.address,
    { messageId: `confirmed.${mailbox.id}` },
  );
  return send(deps, message, 'confirmed');
}

export async function sendReplaced(
  deps: Deps,
  oldMailbox: MailboxRow,
  newMailbox: MailboxRow,
  authority: Authority,
) {
  const data = {
    serviceName: deps.config.SERVICE_NAME,
    authorityName: authority.name,
    oldAddress: oldMailbox.address,
    newAddress: newMailbox.address,
    kind: newMailbox.kind,
  };
  await Promise.all(
    [oldMailbox.address, newMailbox.address].map((to, i) =>
      send(
        deps,
        composeMessage(deps.config, mailboxReplaced, data, to, {
          messageId: `replaced.${oldMailbox.id}.${newMailbox.id}.${i}`,
        }),
        'mailbox replaced',
      ),
    ),
  );
}

export function sendSignInLink(
  deps: Deps,
  mailbox: MailboxRow,
  authority: Authority,
  link: { url: string; expiresAt: Date; tokenHash: string },
) {
  const message = composeMessage(
    deps.config,
    magicLink,
    {
      serviceName: deps.config.SERVICE_NAME,
      authorityName: authority.name,
      signInUrl: link.url,
      expiresAt: link.expiresAt,
    },
    mailbox.address,
    { messageId: `sign-in.${link.tokenHash.slice(0, 24)}` },
  );
  return send(deps, message, 'sign-in link', 'urgent');
}

/** Tells the configured admin addresses that a registration on an unknown domain waits for them. */
export async function sendApprovalNeeded(
  deps: Deps,
  mailbox: MailboxRow,
  authority: Authority,
  knownDomains: string[],
): Promise<number> {
  let sent = 0;
  for (const [i, to] of adminAddresses(deps).entries()) {
    const message = composeMessage(
      deps.config,
      approvalNeeded,
      {
        serviceName: deps.config.SERVICE_NAME,
        authorityName: authority.name,
        authorityCode: authority.code,
        address: mailbox.address,
        domain: domainOf(mailbox.address),
        knownDomains,
        team: mailbox.team,
        reviewUrl: `${deps.config.PUBLIC_BASE_URL}/admin/approvals`,
      },
      to,
      { messageId: `approval.${mailbox.id}.${i}` },
    );
    if (await send(deps, message, 'approval needed')) sent++;
  }
  return sent;
}

/** Asks a council's confirmed primary whether `replacement` should take over from it. */
export function sendHandoverRequest(
  deps: Deps,
  current: MailboxRow,
  replacement: MailboxRow,
  authority: Authority,
  link: { url: string; tokenHash: string },
  dueAt: Date,
) {
  const message = composeMessage(
    deps.config,
    handoverRequest,
    {
      serviceName: deps.config.SERVICE_NAME,
      authorityName: authority.name,
      currentAddress: current.address,
      newAddress: replacement.address,
      answerUrl: link.url,
      dueAt,
    },
    current.address,
    { messageId: `handover.${link.tokenHash.slice(0, 24)}` },
  );
  return send(deps, message, 'handover request', 'urgent');
}

function adminAddresses(deps: Pick<Deps, 'config'>): string[] {
  return deps.config.ADMIN_NOTIFY_ADDRESSES.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** Tells the configured admin addresses that a replacement primary was refused (a possible takeover attempt). */
export async function sendHandoverRefused(
  deps: Deps,
  mailbox: MailboxRow,
  authority: Authority,
  reason: string,
): Promise<number> {
  let sent = 0;
  for (const [i, to] of adminAddresses(deps).entries()) {
    const message = composeMessage(
      deps.config,
      handoverRefused,
      {
        serviceName: deps.config.SERVICE_NAME,
        authorityName: authority.name,
        authorityCode: authority.code,
        address: mailbox.address,
        team: mailbox.team,
        reason,
        authorityUrl: `${deps.config.PUBLIC_BASE_URL}/authorities/${encodeURIComponent(authority.code)}`,
      },
      to,
      { messageId: `handover-refused.${mailbox.id}.${i}` },
    );
    if (await send(deps, message, 'handover refused')) sent++;
  }
  return sent;
}
