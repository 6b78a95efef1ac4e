// Acknowledging an advisory through the link in its e-mail. The signed token names the delivery; the first
// acknowledgement is kept (who said so, and when), and a later one only learns when that was.
import { eq } from 'drizzle-orm';
import { advisories, authorities, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { mailboxHolder } from '../../domain/principal.js';
import { headerText } from '../../mail/headers.js';
import { acknowledgeCopy } from './acknowledge-copy.js';
import { verifySignedToken } from './signing-key.js';

/** Recorded when the person acknowledging leaves "Your name or team" empty. */
const DEFAULT_ACKNOWLEDGER = 'mailbox holder';
export const MAX_ACK_NAME_LENGTH = 100;

export interface AckView {
  deliveryId: string;
  mailboxId: string;
  address: string;
  advisory: { id: string; reference: string; title: string; tlp: string; state: string };
  authority: { code: string; name: string } | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

/** The delivery an acknowledgement link is for, or null when the token is not one we signed. */
export async function inspectAcknowledgement(deps: Deps, token: string): Promise<AckView | null> {
  const deliveryId = await verifySignedToken(deps, 'ack', token);
  if (!deliveryId) return null;
  const [row] = await deps.db
    .select({
      deliveryId: deliveries.id,
      mailboxId: deliveries.mailboxId,
      address: deliveries.address,
      acknowledgedAt: deliveries.acknowledgedAt,
      acknowledgedBy: deliveries.acknowledgedBy,
      advisoryId: advisories.id,
      reference: advisories.reference,
      title: advisories.title,
      tlp: advisories.tlp,
      state: advisories.state,
      authorityCode: authorities.code,
      authorityName: authorities.name,
    })
    .from(deliveries)
    .innerJoin(advisories, eq(advisories.id, deliveries.advisoryId))
    .leftJoin(authorities, eq(authorities.code, deliveries.authorityCode))
    .where(eq(deliveries.id, deliveryId))
    .limit(1);
  if (!row) return null;
  return {
    deliveryId: row.deliveryId,
    mailboxId: row.mailboxId,
    address: row.address,
    advisory: {
      id: row.advisoryId,
      reference: row.reference,
      title: row.title,
      tlp: row.tlp,
      state: row.state,
    },
    authority: row.authorityCode
      ? { code: row.authorityCode, name: row.authorityName ?? row.authorityCode }
      : null,
    acknowledgedAt: row.acknowledgedAt === null ? null : new Date(row.acknowledgedAt),
    acknowledgedBy: row.acknowledgedBy,
  };
}

/** "Your name or team" on one line, without control characters; '' when nothing useful was given. */
export function cleanAcknowledgerName(input: string): string {
  return headerText(input);
}

export type AckOutcome = { state: 'unknown' } | { state: 'acknowledged' | 'already'; view: AckView };

/**
 * Records the acknowledgement once (the delivery's `acknowledge` transition), with its audit entry. Works whatever the advisory's state
 * (a cancelled advisory may still have reached the council). Only the name given is kept on the delivery;
 * the audit entry keeps the request id and client address, as for every link.
 */
export async function acknowledgeDelivery(
  deps: Deps,
  token: string,
  request: { name?: string; requestId?: string; ip?: string } = {},
): Promise<AckOutcome> {
  const view = await inspectAcknowledgement(deps, token);
  if (!view) return { state: 'unknown' };
  if (view.acknowledgedAt) return { state: 'already', view };

  const by = cleanAcknowledgerName(request.name ?? '').slice(0, MAX_ACK_NAME_LENGTH) || DEFAULT_ACKNOWLEDGER;
  const principal = {
    ...mailboxHolder(view.mailboxId, view.authority?.code ?? ''),
    authorityCode: view.authority?.code ?? null,
  };
  // Of two clicks at once, one records it (with its audit entry) and the other learns the time that was kept.
  const acknowledged = await acknowledgeCopy(
    deps,
    { principal, requestId: request.requestId, ip: request.ip },
    view.deliveryId,
    { advisory: view.advisory, authorityCode: view.authority?.code ?? null, by },
  );
  if (!acknowledged) {
    const kept = await inspectAcknowledgement(deps, token);
    return kept ? { state: 'already', view: kept } : { state: 'unknown' };
  }
  return { state: 'acknowledged', view: { ...view, acknowledgedAt: acknowledged, acknowledgedBy: by } };
}
