// Mail that arrives at a VERP address (bounces+<delivery>.<tag>@MAIL_DOMAIN) without a relay in between:
// the Worker's email() handler (Cloudflare Email Routing) and Node's inbound SMTP listener both hand each
// message here. The rules are the same on both runtimes, and the same as POST /api/v1/inbound/bounces:
//   - the envelope recipient must be a VERP address of ours whose tag is the service's signature of the
//     delivery id: anything else is refused before the message is read (an attacker who knows a delivery
//     id, which is in every Message-ID, cannot make its bounce);
//   - a message larger than INBOUND_LIMIT_BYTES is refused;
//   - a message that is not a delivery status notification (an out-of-office reply, spam) is accepted and
//     dropped: it says nothing about whether the mailbox works;
//   - a delivery report is recorded by recordBounce, the verb the API uses.
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { isDeliveryReport } from '../../mail/dsn.js';
import { mailDomain, parseVerpAddress } from '../../mail/message-ids.js';
import { verpTagValid } from '../advisories/signing-key.js';
import { type BounceOutcome, recordBounce } from './bounces.js';

/** Who records a bounce that arrived as mail (the audit log's actor). */
export function inboundMailPrincipal(channel: 'email-routing' | 'smtp'): Principal {
  return {
    actor: `inbound:${channel}`,
    label: channel === 'smtp' ? 'inbound SMTP listener' : 'Cloudflare Email Routing',
    role: 'inbound',
    warpId: null,
    authorityCode: null,
    via: 'system',
  };
}

export type RecipientVerdict = { ok: true } | { ok: false; reason: string };

/** Whether mail to this envelope recipient may be accepted: a VERP address of ours, validly signed. */
export async function acceptsRecipient(deps: Deps, recipient: string): Promise<RecipientVerdict> {
  const verp = parseVerpAddress(mailDomain(deps.config), recipient);
  if (!verp) return { ok: false, reason: 'no such address here' };
  if (!(await verpTagValid(deps, verp.deliveryId, verp.tag)))
    return { ok: false, reason: 'no such address here' };
  return { ok: true };
}

export type InboundResult =
  | { kind: 'refused'; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'recorded'; outcome: BounceOutcome };

/** Takes one message received for `recipient`; never throws for bad mail (only for our own failures). */
export async function receiveInboundMail(
  deps: Deps,
  channel: 'email-routing' | 'smtp',
  recipient: string,
  raw: string,
): Promise<InboundResult> {
  const log = deps.log.child({ inbound: channel });
  const verdict = await acceptsRecipient(deps, recipient);
  if (!verdict.ok) {
    log.info('inbound mail refused: not a signed VERP address', { recipient: recipient.slice(0, 200) });
    return { kind: 'refused', reason: verdict.reason };
  }
  if (raw.length > deps.config.INBOUND_LIMIT_BYTES) return { kind: 'refused', reason: 'message too large' };
  if (!isDeliveryReport(raw)) {
    log.info('inbound mail dropped: not a delivery report (an automatic reply?)', { recipient });
    return { kind: 'ignored', reason: 'not a delivery report' };
  }
  const outcome = await recordBounce(deps, { principal: inboundMailPrincipal(channel) }, raw, {
    source: channel,
    envelopeTo: recipient,
  });
  log.info('bounce received', {
    recipient,
    delivery: outcome.deliveryId ?? null,
    effects: outcome.recipients.map((r) => r.effect),
    summary: outcome.summary,
  });
  return { kind: 'recorded', outcome };
}
