// The e-mails the mailbox flows send. A failed send is logged and reported, never half-applied: the
// state change it follows is already committed, and the link can be sent again.
import approvalNeeded from '../../../templates/approval-needed.js';
import confirmation from '../../../templates/confirmation.js';
import confirmed from '../../../templates/confirmed.js';
import handoverRefused from '../../../templates/handover-refused.js';
import handoverRequest from '../../../templates/handover-request.js';
import magicLink from '../../../templates/magic-link.js';
import mailboxReplaced from '../../../templates/mailbox-replaced.js';
import type { Deps } from '../../deps.js';
import { composeMessage } from '../../mail/compose.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import { domainOf } from '../checks/status.js';
import type { MailboxRow } from './view.js';

interface Authority {
  code: string;
  name: string;
}

async function send(deps: Deps, message: OutgoingMessage, what: string): Promise<boolean> {
  try {
    const result = await deps.mailer.send(message);
    if (result.status === 'delivered') return true;
    deps.log.warn('mail not accepted', { what, to: message.to, status: result.status, reply: result.reply });
  } catch (err) {
    deps.log.error('mail send failed', { what, to: message.to, err });
  }
  return false;
}

export function sendConfirmation(
  deps: Deps,
  mailbox: MailboxRow,
  authority: Authority,
  link: { url: string; expiresAt: Date; tokenHash: string },
  isReconfirmation = false,
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
  return send(deps, message, 'confirmation');
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
  return send(deps, message, 'sign-in link');
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
  return send(deps, message, 'handover request');
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
