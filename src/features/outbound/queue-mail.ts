// Putting an e-mail in the outbound queue: the composed message is written to `outbound_mail` in its lane,
// then the sender is woken (the Node dispatcher, a Workers queue message, or in tests a drain at once).
// Nothing is sent on the caller's path: the queue sends it, with the one rate limit, retries, leases and
// pause of all mail, and the caller's answer never depends on the mail server. Without a working mailer
// (settings missing) nothing is queued: the caller gets a clear problem instead.
import type { BatchItem } from '../../db/client.js';
import { insertRows } from '../../db/limits.js';
import { outboundMail } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { MailLane } from '../../domain/outbound.js';
import { assertExtraHeaders, assertSingleAddress } from '../../mail/address.js';
import { assertSafeMessage } from '../../mail/headers.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import { assertMailAvailable } from './mail-available.js';

export interface QueueOptions {
  lane: MailLane;
  /** What it is, for logs and metrics: `confirmation`, `sign-in link` … */
  purpose: string;
  /** Not before this time (bulk mail spread over time); now when absent. */
  notBefore?: Date;
  /** False: the caller queues many and wakes the sender once at the end (`wakeSender`). */
  wake?: boolean;
}

type Row = typeof outboundMail.$inferInsert;

/** The row of one queued message; the message is checked now, so a bad one fails its caller, not the queue. */
export function queuedRow(
  deps: Pick<Deps, 'config' | 'clock' | 'random' | 'mailer'>,
  message: OutgoingMessage,
  options: QueueOptions,
): Row {
  assertMailAvailable(deps);
  assertSafeMessage(message);
  assertExtraHeaders(message.headers);
  assertSingleAddress('To', message.to);
  const now = deps.clock.now().getTime();
  const due = options.notBefore ? Math.max(now, options.notBefore.getTime()) : now;
  return {
    id: deps.random.id(),
    lane: options.lane,
    purpose: options.purpose.slice(0, 80),
    toAddress: message.to,
    messageId: message.messageId,
    message: JSON.stringify(message),
    status: 'created',
    nextAttemptAt: due,
    deadlineAt: due + Math.round(deps.config.DELIVERY_DEADLINE_HOURS * 3600_000),
    createdAt: now,
  };
}

/** Queues one message and wakes the sender. */
export async function queueMail(
  deps: Deps,
  message: OutgoingMessage,
  options: QueueOptions,
): Promise<{ id: string }> {
  const row = queuedRow(deps, message, options);
  await deps.db.insert(outboundMail).values(row);
  if (options.wake !== false) await wakeSender(deps, options.lane);
  return { id: row.id };
}

/** Queues many messages in one atomic write (a sweep's links), then wakes the sender once. */
export async function queueMails(
  deps: Deps,
  items: ReadonlyArray<{ message: OutgoingMessage; options: QueueOptions }>,
): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = items.map(({ message, options }) => queuedRow(deps, message, options));
  const statements = insertRows(deps.db, outboundMail, rows);
  await deps.db.batch(statements as [BatchItem, ...BatchItem[]]);
  await wakeSender(deps, items[0]!.options.lane);
  return rows.map((r) => r.id);
}

/** Tells the sender mail is waiting (Node: the dispatcher; Workers: a queue message; tests: a drain). */
export async function wakeSender(deps: Deps, lane: MailLane): Promise<void> {
  try {
    await deps.outbound?.wake(lane);
  } catch (err) {
    // The message is queued: the next drain sends it whatever became of the wake-up.
    deps.log.warn('could not wake the sender; the queued mail goes with the next drain', { err });
  }
}
