// Putting texts in the SMS queue: rows in `sms_messages`, sent by the SMS drain (send-sms.ts) with leases,
// retries and the provider's rate limit, like the outbound mail. Nothing is sent on the caller's path.
// Without a working SMS provider nothing is queued: the caller gets a clear problem instead.
import type { BatchItem } from '../../db/client.js';
import { insertRows } from '../../db/limits.js';
import { smsMessages } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { SmsPurpose } from '../../domain/mobile-states.js';
import { AppError } from '../../errors.js';
import { MAX_SMS_LENGTH } from '../../ports/sms.js';

export interface SmsToQueue {
  purpose: SmsPurpose;
  mobileId: string;
  authorityCode: string;
  /** E.164. */
  toNumber: string;
  text: string;
  advisoryId?: string;
  drillId?: string;
}

export type SmsRow = typeof smsMessages.$inferInsert;

/** Refuses up front when no SMS can be sent (no provider configured): a 503 naming the settings. */
export function assertSmsAvailable(deps: Pick<Deps, 'sms'>): void {
  const problem = deps.sms.unavailable;
  if (problem)
    throw new AppError('unavailable', `Text messages cannot be sent: ${problem.reason}.`, {
      extra: { missing: problem.missing },
    });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controlChars = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/** Texts that may hold a link or code are at most MAX_SMS_LENGTH characters, with no control characters. */
function checkedText(text: string): string {
  const clean = text.replace(/\r\n?/g, '\n');
  if (controlChars.test(clean)) throw new Error('an SMS may not hold control characters');
  if (clean.length > MAX_SMS_LENGTH) throw new Error(`an SMS of ${clean.length} characters is too long`);
  return clean;
}

/** The rows of texts to queue (checked now, so a bad one fails its caller, not the queue). */
export function smsRows(
  deps: Pick<Deps, 'config' | 'clock' | 'random' | 'sms'>,
  list: readonly SmsToQueue[],
): SmsRow[] {
  assertSmsAvailable(deps);
  const now = deps.clock.now().getTime();
  return list.map((sms) => ({
    id: deps.random.id(),
    purpose: sms.purpose,
    mobileId: sms.mobileId,
    authorityCode: sms.authorityCode,
    toNumber: sms.toNumber,
    advisoryId: sms.advisoryId ?? null,
    drillId: sms.drillId ?? null,
    text: checkedText(sms.text),
    status: 'created',
    nextAttemptAt: now,
    deadlineAt: now + Math.round(deps.config.DELIVERY_DEADLINE_HOURS * 3600_000),
    createdAt: now,
  }));
}

/** INSERT statements for the rows (within the edge's parameter limit), to batch with the caller's change. */
export function smsInserts(deps: Pick<Deps, 'db'>, rows: readonly SmsRow[]): BatchItem[] {
  return insertRows(deps.db, smsMessages, rows, { ignoreConflicts: true });
}

/** Queues texts in one atomic write and wakes the sender; their ids. */
export async function queueSms(deps: Deps, list: readonly SmsToQueue[]): Promise<string[]> {
  if (list.length === 0) return [];
  const rows = smsRows(deps, list);
  await deps.db.batch(smsInserts(deps, rows) as [BatchItem, ...BatchItem[]]);
  await wakeSmsSender(deps);
  return rows.map((r) => r.id as string);
}

/** Tells the sender texts are waiting (the same wake-up as mail, in the urgent lane). */
export async function wakeSmsSender(deps: Deps): Promise<void> {
  try {
    await deps.outbound?.wake('urgent');
  } catch (err) {
    deps.log.warn('could not wake the SMS sender; the queued texts go with the next drain', { err });
  }
}
