// Recording a bounce: match the report to the delivery (the VERP address `bounces+<deliveryId>@<mail
// domain>` it was sent to, else the returned message's `<delivery.<id>@…>` Message-ID plus a matching
// recipient), then in one write: keep the bounce, and on a permanent failure (Action failed, Status 5.x.x)
// mark the delivery permanent-failure and the mailbox unreachable; on a delay count a soft bounce (each a
// transition of its own aggregate). The same report sent twice changes nothing the second time, even when
// both arrive at once (each bounce row has an id derived from it, and every write waits on it being new).
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { bounces, deliveries, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { hashSecret } from '../../lib/secrets.js';
import { type DsnRecipient, parseDsn, smtpCodeOf } from '../../mail/dsn.js';
import { deliveryIdFromMessageId, deliveryIdFromVerp, mailDomain } from '../../mail/message-ids.js';
import { deliveryTransitions } from '../advisories/delivery-transitions.js';
import { inBatchOrder } from '../audit/transitions.js';
import { mailboxTransitions } from '../mailboxes/transitions.js';

export const BOUNCE_REASON_PREFIX = 'bounce: ';

export type BounceEffect = 'unreachable' | 'gave-up' | 'soft-bounce' | 'recorded' | 'duplicate';

export interface BounceOutcome {
  matched: boolean;
  deliveryId?: string;
  mailboxId?: string;
  recipients: Array<{
    recipient: string | null;
    action: string;
    status: string | null;
    effect: BounceEffect;
  }>;
}

type DeliveryRow = typeof deliveries.$inferSelect;

/** What a recipient's report means for the mailbox and the delivery. */
export function bounceEffect(r: Pick<DsnRecipient, 'action' | 'status' | 'diagnosticCode'>): BounceEffect {
  if (r.action === 'failed') {
    const klass = r.status?.[0] ?? String(smtpCodeOf(r.diagnosticCode) ?? '5')[0];
    return klass === '5' ? 'unreachable' : 'gave-up';
  }
  if (r.action === 'delayed') return 'soft-bounce';
  return 'recorded';
}

async function findDelivery(deps: Deps, report: ReturnType<typeof parseDsn>, envelopeTo: string[]) {
  const domain = mailDomain(deps.config);
  for (const address of [...envelopeTo, ...report.deliveredTo]) {
    const id = deliveryIdFromVerp(domain, address);
    if (!id) continue;
    const row = await deps.db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
    if (row) return { delivery: row, via: 'verp' as const };
  }
  // Fallback: the returned message's Message-ID names the delivery; a recipient must match its address.
  const messageId = report.returned?.messageId ?? '';
  const id = deliveryIdFromMessageId(domain, messageId);
  if (!id) return null;
  const row = await deps.db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
  if (!row) return null;
  const address = row.address.toLowerCase();
  const named = report.recipients.some(
    (r) => r.finalRecipient === address || r.originalRecipient === address,
  );
  return named ? { delivery: row, via: 'message-id' as const } : null;
}

/** The recipients of the report that concern this delivery. */
function recipientsFor(delivery: DeliveryRow | null, recipients: DsnRecipient[]): DsnRecipient[] {
  if (!delivery) return recipients;
  const address = delivery.address.toLowerCase();
  const named = recipients.filter((r) => r.finalRecipient === address || r.originalRecipient === address);
  // With VERP the envelope names the delivery, so a recipient rewritten by forwarding still counts.
  return named.length ? named : recipients;
}

export async function recordBounce(
  deps: Deps,
  actor: ActorContext,
  raw: string,
  options: { source: string; envelopeTo?: string[] },
): Promise<BounceOutcome> {
  if (!/^[\x21-\x39\x3b-\x7e]+:/m.test(raw.slice(0, 4096)))
    throw new AppError('bad_request', 'The body is not an e-mail message (no header fields were found).');
  const report = parseDsn(raw);
  const found = await findDelivery(deps, report, options.envelopeTo ?? []);
  const delivery = found?.delivery ?? null;
  const base = report.messageId ?? (await hashSecret(raw));
  const recipients = recipientsFor(delivery, report.recipients);
  const entries: DsnRecipient[] = recipients.length
    ? recipients
    : [
        {
          originalRecipient: null,
          finalRecipient: report.returned?.to[0] ?? null,
          action: 'unknown',
          status: null,
          diagnosticCode: null,
          remoteMta: null,
        },
      ];
  const mailboxId = delivery && !delivery.mailboxId.startsWith('test:') ? delivery.mailboxId : null;
  const log = deps.log.child({ delivery: delivery?.id ?? null, mailbox: mailboxId });
  const outcome: BounceOutcome = {
    matched: Boolean(delivery),
    ...(delivery ? { deliveryId: delivery.id, mailboxId: delivery.mailboxId } : {}),
    recipients: [],
  };

  for (const r of entries) {
    const recipient = r.finalRecipient ?? r.originalRecipient;
    const id = (await hashSecret(`${base}|${recipient ?? ''}|${r.action}|${r.status ?? ''}`)).slice(0, 32);
    const seen = await deps.db.query.bounces.findFirst({ where: eq(bounces.id, id), columns: { id: true } });
    const effect = seen
      ? 'duplicate'
      : await writeBounce(deps, actor, {
          id,
          recipient,
          report: r,
          delivery,
          mailboxId,
          source: options.source,
        });
    outcome.recipients.push({ recipient, action: r.action, status: r.status, effect });
    if (effect === 'unreachable')
      log.warn('hard bounce: mailbox marked unreachable', {
        recipient,
        status: r.status,
        diagnostic: diagnosticOf(r),
      });
    else if (effect !== 'recorded' && effect !== 'duplicate')
      log.info('bounce recorded', { recipient, effect, status: r.status });
  }
  if (!delivery)
    log.info('bounce matched no delivery', { deliveredTo: report.deliveredTo.length, isDsn: report.isDsn });
  return outcome;
}

const diagnosticOf = (r: DsnRecipient) => (r.diagnosticCode ?? '').slice(0, 1000) || null;

/**
 * Keeps one recipient's bounce and, in the same batch, what it means: the delivery's permanent failure,
 * the mailbox marked unreachable or its soft bounce counted. Every write is conditional on the bounce not
 * being recorded yet (the bounce row comes last), so the same report twice changes nothing the second
 * time, however close together: that one's effect is `duplicate`.
 */
async function writeBounce(
  deps: Deps,
  actor: ActorContext,
  bounce: {
    id: string;
    recipient: string | null;
    report: DsnRecipient;
    delivery: DeliveryRow | null;
    mailboxId: string | null;
    source: string;
  },
): Promise<BounceEffect> {
  const { id, report: r, delivery, mailboxId } = bounce;
  const effect = bounceEffect(r);
  const now = deps.clock.now();
  const fresh = sql`not exists (select 1 from ${bounces} where ${bounces.id} = ${id})`;
  const diagnostic = diagnosticOf(r);
  const items: BatchItem[] = [];
  if (delivery && (effect === 'unreachable' || effect === 'gave-up'))
    items.push(
      ...inBatchOrder(
        deliveryTransitions.statements(deps.db, actor, 'bounce', delivery.id, {
          set: {
            lastReply: diagnostic ?? `${r.action} ${r.status ?? ''}`.trim(),
            lastCode: smtpCodeOf(r.diagnosticCode),
            failedAt: now.getTime(),
            nextAttemptAt: null,
            leaseOwner: null,
            leaseExpiresAt: null,
          },
          when: fresh,
          audit: {
            before: { status: delivery.status },
            after: { status: 'permanent-failure', dsnStatus: r.status, diagnostic },
          },
          at: now,
        }),
      ),
    );
  if (delivery && mailboxId && effect === 'unreachable') {
    const reason = `${BOUNCE_REASON_PREFIX}${[r.status, diagnostic].filter(Boolean).join(' ')}`.slice(0, 500);
    items.push(
      // Already unreachable: only the time of the latest bounce changes.
      deps.db
        .update(mailboxes)
        .set({ lastBounceAt: now })
        .where(and(eq(mailboxes.id, mailboxId), isNotNull(mailboxes.unreachableAt), fresh)),
      ...inBatchOrder(
        mailboxTransitions.statements(deps.db, actor, 'unreachable', mailboxId, {
          set: { unreachableAt: now, unreachableReason: reason, lastBounceAt: now },
          when: and(isNull(mailboxes.unreachableAt), fresh),
          audit: { after: { reason, deliveryId: delivery.id } },
          at: now,
        }),
      ),
    );
  } else if (delivery && mailboxId && (effect === 'soft-bounce' || effect === 'gave-up')) {
    items.push(
      ...inBatchOrder(
        mailboxTransitions.statements(deps.db, actor, 'softBounce', mailboxId, {
          set: { softBounces: sql`${mailboxes.softBounces} + 1`, lastBounceAt: now },
          when: fresh,
          audit: { after: { dsnStatus: r.status, deliveryId: delivery.id } },
          at: now,
        }),
      ),
    );
  }
  items.push(
    deps.db
      .insert(bounces)
      .values({
        id,
        receivedAt: now,
        deliveryId: delivery?.id ?? null,
        mailboxId,
        recipient: bounce.recipient,
        action: r.action,
        status: r.status,
        diagnostic,
        source: bounce.source,
      })
      .onConflictDoNothing()
      .returning({ id: bounces.id }),
  );
  const results = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  const kept = results.at(-1) as unknown[];
  return kept.length > 0 ? effect : 'duplicate';
}
