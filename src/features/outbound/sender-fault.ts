// Whose fault a failed send is. The mailer adapter already calls a refusal at connection, greeting,
// authentication or MAIL FROM a technical failure (ours). One more sign is statistical: when most of the
// recent sends to many different recipients fail with the same reply (a relay that denies relaying to
// us, a policy refusal of our sender), the reply is about us, not about each recipient.
import { NOT_BUILT, type SendResult } from '../../ports/mailer.js';

export { NOT_BUILT };

/** The reply with what differs per recipient taken out: addresses, ids, long numbers. */
export function replyShape(reply: string): string {
  return reply
    .toLowerCase()
    .replace(/<[^>]*>/g, '<>')
    .replace(/[^\s@<>]+@[^\s@<>]+/g, '@')
    .replace(/\b[0-9a-f]{8,}\b/g, '#')
    .replace(/\b\d{5,}\b/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

export interface SenderFault {
  /** Why sending is paused, in words for the log, the page and the audit log. */
  reason: string;
  /** The SMTP stage that failed, when known. */
  command: string | null;
}

export interface FaultWatch {
  /**
   * Looks at one result (before its outcome is written). Returns the fault when this result shows that
   * sending fails for reasons of our own, with the keys of earlier items in the window that failed the
   * same way (their outcomes, already written as the recipients', are to be reconsidered).
   */
  observe(key: string, result: SendResult): { fault: SenderFault; sameFailure: string[] } | null;
}

export function faultWatch(options: { window?: number; share?: number; minimum?: number } = {}): FaultWatch {
  const size = options.window ?? 20;
  const share = options.share ?? 0.8;
  const minimum = options.minimum ?? 5;
  const recent: Array<{ key: string; shape: string | null }> = [];
  return {
    observe(key, result) {
      // A message that could not even be built is that message's problem, not the sender's.
      if (result.status === 'technical-failure' && result.command !== NOT_BUILT)
        return {
          fault: {
            reason: `our mail server refused to send${result.command ? ` at ${result.command}` : ''}: ${result.reply}`,
            command: result.command ?? null,
          },
          sameFailure: [],
        };
      const shape = result.status === 'delivered' ? null : replyShape(result.reply);
      recent.push({ key, shape });
      if (recent.length > size) recent.shift();
      if (shape === null || recent.length < minimum) return null;
      const same = recent.filter((r) => r.shape === shape);
      if (same.length < Math.max(minimum, Math.ceil(share * recent.length))) return null;
      recent.length = 0;
      return {
        fault: {
          reason: `${same.length} of the last sends to different recipients failed with the same reply, so it is about our sending, not them: ${result.reply}`,
          command: result.command ?? null,
        },
        sameFailure: same.map((r) => r.key).filter((k) => k !== key),
      };
    },
  };
}
