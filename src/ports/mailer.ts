// The mailer port: one message out, one outcome back, in GOV.UK Notify's status vocabulary.
export interface OutgoingMessage {
  to: string;
  /** The From header; the configured MAIL_FROM when absent. */
  from?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** A stable Message-ID such as `<delivery-id@host>`: a resend is recognisable as the same message. */
  messageId: string;
  /** The SMTP envelope sender (VERP for advisories); MAIL_FROM's address when absent. */
  envelopeFrom?: string;
  /** Extra headers (In-Reply-To, References, List-Id …); every name and value is checked for CR/LF. */
  headers?: Record<string, string>;
  /**
   * The same message already built as MIME (by `mimeTemplate`, encoded once for a whole fan-out): the
   * adapters that send bytes send these instead of building the message again from the fields above.
   */
  raw?: string;
}

export type SendStatus = 'delivered' | 'temporary-failure' | 'permanent-failure' | 'technical-failure';

export interface SendResult {
  status: SendStatus;
  messageId: string;
  /** The server's reply (e.g. "250 2.0.0 Ok: queued") or the failure, kept for the delivery report. */
  reply: string;
  /** The SMTP reply code when there was one. */
  code?: number;
  /** The SMTP stage that failed (`CONN`, `AUTH PLAIN`, `MAIL FROM`, `RCPT TO`, `DATA` …), when known. */
  command?: string;
  /**
   * The Message-ID the recipient sees, when the provider replaced ours (Amazon SES puts its own): replies
   * and updates name it so they thread; absent when the message went out with ours.
   */
  deliveredMessageId?: string;
  /**
   * For a failure, what kind it is in a few words that are the same for every recipient it happens to
   * (`SES AccessDeniedException`, `SMTP RCPT TO 550`, `SMTP connection ECONNREFUSED`): counted on
   * /metrics, logged once per drain, and shown on the advisory's page.
   */
  failure?: string;
}

/** The `command` of a technical failure before the mail server: the message could not be built. */
export const NOT_BUILT = 'build';

/** Why a mailer cannot send at all (settings missing): the service runs, and refuses what needs mail. */
export interface MailUnavailable {
  /** In words, for the problem answer, /readyz and the log. */
  reason: string;
  /** The settings to provide (names only, never values). */
  missing: string[];
}

export interface Mailer {
  send(message: OutgoingMessage): Promise<SendResult>;
  /** Present when this mailer cannot send anything (see MailUnavailable); absent when it can try. */
  unavailable?: MailUnavailable;
  /** Drops kept connections, so the next sends open fresh ones (after a failure of our own). Optional. */
  reconnect?(): void;
  close(): Promise<void>;
}
