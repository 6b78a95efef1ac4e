// What the SMS provider later says of a text it took: a delivery receipt (Notify's callback) or the answer
// to a status look-up for a text whose receipt never came. Only a text still `sending` changes (a late or
// repeated receipt changes nothing); a permanent failure marks the number unreachable.
import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import { smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { SmsReceipt } from '../../ports/sms.js';
import { markNumberUnreachable } from './sms-drain.js';

export type ReceiptEffect = 'delivered' | 'failed' | 'still sending' | 'no such text' | 'already final';

export async function applySmsReceipt(deps: Deps, receipt: SmsReceipt): Promise<ReceiptEffect> {
  if (receipt.status === 'sending') return 'still sending';
  const now = deps.clock.now().getTime();
  const at = receipt.completedAt?.getTime() ?? now;
  const delivered = receipt.status === 'delivered';
  const [row] = await deps.db
    .update(smsMessages)
    .set({
      status: receipt.status,
      deliveredAt: delivered ? at : null,
      failedAt: delivered ? null : at,
      lastReply: `receipt: ${receipt.providerStatus}`.slice(0, 200),
      lastFailure: delivered ? null : `Notify ${receipt.providerStatus}`.slice(0, 120),
      nextAttemptAt: null,
      text: null,
    })
    .where(and(eq(smsMessages.providerId, receipt.providerId), eq(smsMessages.status, 'sending')))
    .returning({ id: smsMessages.id, mobileId: smsMessages.mobileId });
  if (!row) {
    const known = await deps.db.query.smsMessages.findFirst({
      where: eq(smsMessages.providerId, receipt.providerId),
      columns: { id: true },
    });
    return known ? 'already final' : 'no such text';
  }
  if (receipt.status === 'permanent-failure')
    await markNumberUnreachable(
      deps,
      row.mobileId,
      `the mobile network says it cannot take texts (${receipt.providerStatus})`,
    );
  return delivered ? 'delivered' : 'failed';
}

/**
 * Asks the provider about texts it took more than `afterMinutes` ago and has not reported on (at most
 * `limit` a run): receipts can be lost, and a text must not stay "sending" for ever.
 */
export async function followUpSms(deps: Deps, options: { afterMinutes?: number; limit?: number } = {}) {
  const lookUp = deps.sms.status?.bind(deps.sms);
  if (!lookUp || deps.sms.unavailable) return { asked: 0, settled: 0 };
  const before = deps.clock.now().getTime() - (options.afterMinutes ?? 30) * 60_000;
  const rows = await deps.db
    .select({ providerId: smsMessages.providerId })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.status, 'sending'),
        isNotNull(smsMessages.providerId),
        lte(smsMessages.sentAt, before),
      ),
    )
    .orderBy(asc(smsMessages.sentAt))
    .limit(options.limit ?? 50);
  let settled = 0;
  for (const { providerId } of rows) {
    if (!providerId) continue;
    try {
      const receipt = await lookUp(providerId);
      if (receipt && (await applySmsReceipt(deps, receipt)) !== 'still sending') settled++;
    } catch (err) {
      // The provider cannot answer now: the next run asks again.
      deps.log.warn('could not look up a text with the SMS provider', { err });
      break;
    }
  }
  return { asked: rows.length, settled };
}
