// Recording a bounce: match the report to the delivery (the VERP address `bounces+<deliveryId>@<mail
// domain>` it was sent to, else the returned message's `<delivery.<id>@…>` Message-ID plus a matching
// recipient), then in one write: keep the bounce, and on a permanent failure (Action failed, Status 5.x.x)
// mark the delivery permanent-failure and the mailbox unreachable; on a delay count a soft bounce. The
// same report sent twice changes nothing the second time (each bounce row has an id derived from it).
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { bounces, deliveries, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { hashSecret } from '../../lib/secrets.js';
import { type DsnRecipient, parseDsn, smtpCodeOf } from '../../mail/dsn.js';
import { deliveryIdFromMessageId, deliveryIdFromVerp, mailDomain } from '../../mail/message-ids.js';
import { auditEntry } from '../audit/record.js';

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
  const now = deps.clock.now();
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
  const realMailbox = delivery && !delivery.mailboxId.startsWith('test:') ? delivery.mailboxId : null;
  const log = deps.log.child({ delivery: delivery?.id ?? null, mailbox: realMailbox });
  const outcome: BounceOutcome = {
    matched: Boolean(delivery),
    ...(delivery ? { deliveryId: delivery.id, mailboxId: delivery.mailboxId } : {}),
    recipients: [],
  };

  for (const r of entries) {
    const recipient = r.finalRecipient ?? r.originalRecipient;
    const id = (await hashSecret(`${base}|${recipient ?? ''}|${r.action}|${r.status ?? ''}`)).slice(0, 32);
    const seen = await deps.db.query.bounces.findFirst({ where: eq(bounces.id, id), columns: { id: true } });
    let effect = bounceEffect(r);
    if (seen) effect = 'duplicate';
    outcome.recipients.push({ recipient, action: r.action, status: r.status, effect });
    if (seen) continue;

    const fresh = sql`not exists (select 1 from ${bounces} where ${bounces.id} = ${id})`;
    const diagnostic = (r.diagnosticCode ?? '').slice(0, 1000) || null;
    const items: BatchItem[] = [];
    if (delivery && (effect === 'unreachable' || effect === 'gave-up')) {
      items.push(
        deps.db
          .update(deliveries)
          .set({
            status: 'permanent-failure',
            lastReply: diagnostic ?? `${r.action} ${r.status ?? ''}`.trim(),
            lastCode: smtpCodeOf(r.diagnosticCode),
            failedAt: now.getTime(),
            nextAttemptAt: null,
            leaseOwner: null,
            leaseExpiresAt: null,
          })
          .where(and(eq(deliveries.id, delivery.id), ne(deliveries.status, 'cancelled'), fresh)),
        auditEntry(deps.db, actor, now, {
          action: 'delivery.bounce',
          subjectType: 'delivery',
          subjectId: delivery.id,
          before: { status: delivery.status },
          after: { status: 'permanent-failure', dsnStatus: r.status, diagnostic },
        }),
      );
    }
    if (realMailbox && effect === 'unreachable') {
      const reason = `${BOUNCE_REASON_PREFIX}${[r.status, diagnostic].filter(Boolean).join(' ')}`.slice(
        0,
        500,
      );
      items.push(
        deps.db
          .update(mailboxes)
          .set({ unreachableAt: now, unreachableReason: reason, lastBounceAt: now })
          .where(and(eq(mailboxes.id, realMailbox), isNull(mailboxes.unreachableAt), fresh)),
        deps.db
          .update(mailboxes)
          .set({ lastBounceAt: now })
          .where(and(eq(mailboxes.id, realMailbox), fresh)),
        auditEntry(deps.db, actor, now, {
          action: 'mailbox.unreachable',
          subjectType: 'mailbox',
          subjectId: realMailbox,
          after: { reason, deliveryId: delivery!.id },
        }),
      );
    } else if (realMailbox && (effect === 'soft-bounce' || effect === 'gave-up')) {
      items.push(
        deps.db
          .update(mailboxes)
          .set({ softBounces: sql`${mailboxes.softBounces} + 1`, lastBounceAt: now })
          .where(and(eq(mailboxes.id, realMailbox), fresh)),
      );
    }
    items.push(
      deps.db
        .insert(bounces)
        .values({
          id,
          receivedAt: now,
          deliveryId: delivery?.id ?? null,
          mailboxId: realMailbox,
          recipient,
          action: r.action,
          status: r.status,
          diagnostic,
          source: options.source,
        })
        .onConflictDoNothing(),
    );
    await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
    if (effect === 'unreachable')
      log.warn('hard bounce: mailbox marked unreachable', { recipient, status: r.status, diagnostic });
    else if (effect !== 'recorded') log.info('bounce recorded', { recipient, effect, status: r.status });
  }
  if (!delivery)
    log.info('bounce matched no delivery', { deliveredTo: report.deliveredTo.length, isDsn: report.isDsn });
  return outcome;
}
