// Failed sends, made visible: a drain tallies its failures by kind (`SES AccessDeniedException`,
// `SMTP RCPT TO 550` …: SendResult.failure). The first of each kind in a drain is logged as a warning; a
// drain in which every send failed the same way is an error (a provider refusing us, not the recipients);
// the counts go to `send_failures` once at the end of the drain, which /metrics exposes as a counter and
// the advisory's page reads with its deliveries' last failures.
import { sql } from 'drizzle-orm';
import { sendFailures } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { SendResult } from '../../ports/mailer.js';
import { failureKind } from './outcome.js';

interface Tally {
  kind: string;
  status: string;
  count: number;
  reply: string;
}

export function failureTally(deps: Pick<Deps, 'db' | 'clock' | 'log'>) {
  const tallies = new Map<string, Tally>();
  let attempts = 0;
  let delivered = 0;
  return {
    observe(result: SendResult): void {
      attempts++;
      if (result.status === 'delivered') {
        delivered++;
        return;
      }
      const kind = failureKind(result);
      const key = `${kind}\u0000${result.status}`;
      const seen = tallies.get(key);
      if (seen) {
        seen.count++;
        seen.reply = result.reply;
        return;
      }
      tallies.set(key, { kind, status: result.status, count: 1, reply: result.reply });
      deps.log.warn('sends are failing', { kind, status: result.status, reply: result.reply.slice(0, 300) });
    },

    /** Writes the counts (one statement per kind) and says so when the whole drain failed one way. */
    async flush(): Promise<void> {
      if (tallies.size === 0) return;
      const [only] = [...tallies.values()];
      if (attempts >= 2 && delivered === 0 && tallies.size === 1 && only)
        deps.log.error('every send in this batch failed the same way: look at our mail set-up first', {
          kind: only.kind,
          status: only.status,
          sends: attempts,
          reply: only.reply.slice(0, 300),
        });
      const now = deps.clock.now();
      try {
        for (const t of tallies.values())
          await deps.db
            .insert(sendFailures)
            .values({
              kind: t.kind,
              status: t.status,
              count: t.count,
              firstAt: now,
              lastAt: now,
              lastReply: t.reply.slice(0, 500),
            })
            .onConflictDoUpdate({
              target: [sendFailures.kind, sendFailures.status],
              set: {
                count: sql`${sendFailures.count} + ${t.count}`,
                lastAt: now,
                lastReply: t.reply.slice(0, 500),
              },
            });
      } catch (err) {
        // The counts are for dashboards: a drain's outcomes are written already, and stand.
        deps.log.error('could not count failed sends', { err });
      }
      tallies.clear();
    },
  };
}
