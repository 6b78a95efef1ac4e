// What the outbound queue's engine works on: items claimed from a source (advisory deliveries, or the
// queued e-mails of one lane), each sent once and its outcome written back before its sender takes the next.
import type { MailLane } from '../../domain/outbound.js';
import type { SendResult } from '../../ports/mailer.js';
import type { DeliveryUpdate } from './outcome.js';

/** One claimed item. `key` is unique across sources (the source's name and the row's id). */
export interface Work {
  key: string;
  id: string;
  source: WorkSource;
  attempts: number;
  deadlineAt: number;
  /** Claimed after another worker's lease on it ran out: that worker may have sent it already. */
  resend: boolean;
}

/** A table the engine drains: claims with a lease, sends, writes outcomes, renews and gives back leases. */
export interface WorkSource<W extends Work = Work> {
  /** For logs and metrics (`urgent`, `advisories` …). */
  name: string;
  lane: MailLane;
  /** Claims up to `limit` due items for `owner` with a lease until `now + leaseMs`. */
  claim(limit: number, now: number): Promise<W[]>;
  /** Finalises retryable items whose deadline has passed (before a drain claims). */
  expire?(now: number): Promise<void>;
  /** Readies newly claimed items for sending (names, signatures), before they are handed to senders. */
  prepare(items: readonly W[]): Promise<void>;
  /** Sends one item: its outcome as the mailer reports it. */
  send(item: W): Promise<SendResult>;
  /** Writes outcomes of items this worker holds, ending their leases. */
  record(outcomes: ReadonlyArray<{ work: W; update: DeliveryUpdate }>): Promise<void>;
  /** After outcomes were written (at most every second, and at the end): e.g. mark advisories sent. */
  settle?(items: readonly W[], now: number): Promise<void>;
  renew(ids: readonly string[], now: number): Promise<void>;
  /** Gives back claimed items that were not sent: due again at once, the attempt not counted. */
  release(ids: readonly string[], now: number): Promise<void>;
  /**
   * Outcomes recorded as the recipient's (refused) that turned out to be ours (the same error for most
   * recipients): retryable again, as a technical failure.
   */
  reconsider(ids: readonly string[], now: number): Promise<void>;
  /** Items leased by other workers (possibly dead ones), and when the first of those leases runs out. */
  heldElsewhere(now: number): Promise<{ count: number; until: number | null }>;
}
