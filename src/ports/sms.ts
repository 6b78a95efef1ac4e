// The SMS port: one text message out, one outcome back, in GOV.UK Notify's status vocabulary. An SMS is
// the service's second channel, independent of a council's own mail: a short heads-up ("an urgent advisory
// is waiting, sign in or acknowledge here"), a confirmation code, a drill. Never advisory content.

export interface OutgoingSms {
  /** The mobile number in E.164 form (`+447700900123`). */
  to: string;
  /** The whole text, plain; at most MAX_SMS_LENGTH characters. */
  text: string;
  /** Our id for the message (Notify's `reference`): a delivery receipt names it. */
  reference: string;
}

/**
 * `sending`: the provider took it and will tell us (a receipt, or a status look-up) whether the phone got
 * it. The failures are whose fault they are: `permanent-failure` is the number's (not a mobile, does not
 * exist), `temporary-failure` may pass (phone off, provider busy or rate limiting us: try again later),
 * `technical-failure` is ours (a wrong key, a missing template, a setting): never the council's fault.
 */
export type SmsStatus =
  | 'sending'
  | 'delivered'
  | 'temporary-failure'
  | 'permanent-failure'
  | 'technical-failure';

export interface SmsResult {
  status: SmsStatus;
  /** The provider's id for the message (Notify's notification id), when it took it. */
  providerId?: string;
  /** The provider's answer in a few words, kept for the report (`201 created`, `429 RateLimitError …`). */
  reply: string;
  /** For a failure, what kind it is, the same for every recipient (`Notify RateLimitError`, `Notify AuthError`). */
  failure?: string;
  /** How long to wait before trying again (a rate limit says so), in milliseconds. */
  retryAfterMs?: number;
}

/** What a delivery receipt or a status look-up says of a message sent earlier. */
export interface SmsReceipt {
  providerId: string;
  /** Our reference, when the provider echoes it. */
  reference: string | null;
  status: SmsStatus;
  /** The provider's own status word (`delivered`, `permanent-failure`, `sent` …). */
  providerStatus: string;
  /** When the provider finished with it, when it says. */
  completedAt: Date | null;
}

/** Why SMS cannot be sent at all (settings missing): the service runs, and refuses what needs SMS. */
export interface SmsUnavailable {
  reason: string;
  /** The settings to provide (names only, never values). */
  missing: string[];
}

/** What a receipt callback said, once the provider's own format was checked. */
export type ReceiptReading =
  | { kind: 'invalid'; reason: string }
  | { kind: 'receipt'; channel: 'sms' | 'email'; receipt: SmsReceipt; to: string };

export interface SmsSender {
  /** The provider, in a word, for logs and /readyz (`notify`, `outbox`, `memory`). */
  readonly provider: string;
  send(sms: OutgoingSms): Promise<SmsResult>;
  /** Asks the provider what became of a message it took (for receipts that never came); null if unknown. */
  status?(providerId: string): Promise<SmsReceipt | null>;
  /**
   * Reads a delivery-receipt callback the provider POSTed to us (the caller authenticated it: an `inbound`
   * API token is the bearer token the provider sends); absent when the provider sends none. E-mail receipts
   * of the same provider come the same way.
   */
  readReceipt?(body: unknown): ReceiptReading;
  /** Present when this sender cannot send anything; absent when it can try. */
  unavailable?: SmsUnavailable;
  close(): Promise<void>;
}

/** Longest text we send: three concatenated fragments of GSM 7-bit text (Notify bills per fragment). */
export const MAX_SMS_LENGTH = 459;
