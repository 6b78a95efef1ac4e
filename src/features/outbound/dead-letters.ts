// The dead-letter queue's consumer (Cloudflare Workers): a fan-out message whose consumer failed every
// retry lands here. Each is recorded in the audit log (action `queue.dead-letter`), the admins are e-mailed
// once per batch, and the error is logged. Nothing else is needed to recover: the deliveries and queued
// mail are rows in the database, and the 5-minute dispatch sends whatever is due.

import queueDeadLetter from '../../../templates/queue-dead-letter.js';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { systemPrincipal } from '../../domain/principal.js';
import { composeMessage } from '../../mail/compose.js';
import { auditEntry } from '../audit/record.js';
import { adminAlertAddresses } from './admin-addresses.js';
import { queueMails } from './queue-mail.js';

export interface DeadLetter {
  /** The queue's own message id. */
  id: string;
  body: unknown;
  attempts: number;
}

const advisoryIdOf = (body: unknown): string | null => {
  const id = (body as { advisoryId?: unknown } | null)?.advisoryId;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
};

/** Records and reports one batch of parked messages; the number of admins told. */
export async function recordDeadLetters(
  deps: Deps,
  queue: string,
  letters: readonly DeadLetter[],
): Promise<{ recorded: number; told: number }> {
  if (letters.length === 0) return { recorded: 0, told: 0 };
  const now = deps.clock.now();
  const actor = { principal: systemPrincipal };
  const ids = [...new Set(letters.map((l) => advisoryIdOf(l.body)).filter((id): id is string => !!id))];
  const references = new Map(
    ids.length
      ? (
          await deps.db
            .select({ id: advisories.id, reference: advisories.reference })
            .from(advisories)
            .where(inList(advisories.id, ids))
        ).map((a) => [a.id, a.reference])
      : [],
  );
  const what = (l: DeadLetter) => {
    const id = advisoryIdOf(l.body);
    if (id) return `send advisory ${references.get(id) ?? id}`;
    if ((l.body as { mail?: unknown } | null)?.mail === true) return 'send queued mail';
    return 'an unrecognised message';
  };
  const entries = letters.map((l) =>
    auditEntry(deps.db, actor, now, {
      action: 'queue.dead-letter',
      subjectType: advisoryIdOf(l.body) ? 'advisory' : 'queue',
      subjectId: advisoryIdOf(l.body) ?? queue,
      after: {
        queue,
        message: l.id,
        attempts: l.attempts,
        body: JSON.stringify(l.body ?? null).slice(0, 500),
      },
    }),
  );
  await deps.db.batch(entries as unknown as [BatchItem, ...BatchItem[]]);
  deps.log.error('the fan-out queue gave up on messages: they are in the dead-letter queue', {
    queue,
    messages: letters.map((l) => ({ id: l.id, what: what(l), attempts: l.attempts })),
  });

  if (deps.mailer.unavailable) return { recorded: letters.length, told: 0 };
  try {
    const to = await adminAlertAddresses(deps);
    const data = {
      serviceName: deps.config.SERVICE_NAME,
      queue,
      messages: letters.map((l) => ({ what: what(l), attempts: l.attempts })),
      serviceUrl: `${deps.config.PUBLIC_BASE_URL}/`,
    };
    await queueMails(
      deps,
      to.map((address, i) => ({
        message: composeMessage(deps.config, queueDeadLetter, data, address, {
          messageId: `dead-letter.${letters[0]!.id}.${i}`.replace(/[^A-Za-z0-9.-]/g, ''),
        }),
        options: { lane: 'urgent' as const, purpose: 'dead-letter alert' },
      })),
    );
    return { recorded: letters.length, told: to.length };
  } catch (err) {
    deps.log.error('could not tell the admins about the dead-letter queue', { err });
    return { recorded: letters.length, told: 0 };
  }
}
