// The queued e-mails of one lane as a source of work for the engine: claimed with a lease from
// `outbound_mail`, sent as composed, and cleared of their body once final (it may hold a link's secret).
import { sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import type { MailLane } from '../../domain/outbound.js';
import type { OutgoingMessage } from '../../ports/mailer.js';
import {
  claimRows,
  expireOverdueRows,
  heldElsewhere,
  reconsiderRows,
  recordRows,
  releaseRows,
  renewRows,
} from './queue-rows.js';
import { NOT_BUILT } from './sender-fault.js';
import type { Work, WorkSource } from './work.js';

export interface MailWork extends Work {
  purpose: string;
  message: OutgoingMessage | null;
}

interface Claimed {
  id: string;
  purpose: string;
  message: string | null;
  attempts: number;
  deadline_at: number;
}

/**
 * Once delivered, the body goes: what was sent stays on record (to, purpose, reply), not its links. A
 * failed one keeps it a while, in case the failure turns out to be ours and it is sent again.
 */
const clearDeliveredBody = sql`, message = case when json_extract(o.value, '$[1]') = 'delivered' then null else d.message end`;

export function mailSource(deps: Deps, owner: string, leaseMs: number, lane: MailLane): WorkSource<MailWork> {
  const scope = sql`d.lane = ${lane}`;
  const columns = sql`id, purpose, message, attempts, deadline_at`;
  const source: WorkSource<MailWork> = {
    name: lane,
    lane,
    async claim(limit, now) {
      const spec = { table: 'outbound_mail' as const, owner, limit, leaseMs, now, scope, columns };
      const lapsed = await claimRows<Claimed>(deps, spec, true);
      const due =
        lapsed.length < limit
          ? await claimRows<Claimed>(deps, { ...spec, limit: limit - lapsed.length }, false)
          : [];
      const work = (r: Claimed, resend: boolean): MailWork => ({
        key: `mail:${r.id}`,
        id: r.id,
        source,
        attempts: Number(r.attempts),
        deadlineAt: Number(r.deadline_at),
        resend,
        purpose: r.purpose,
        message: parseMessage(r.message),
      });
      return [...lapsed.map((r) => work(r, true)), ...due.map((r) => work(r, false))];
    },
    // The four lanes share the table: the urgent lane (first in every drain) expires for all.
    expire: lane === 'urgent' ? (now) => expireOverdueRows(deps, 'outbound_mail', now) : undefined,
    async prepare() {},
    async send(item) {
      if (!item.message)
        return {
          status: 'technical-failure',
          messageId: '',
          reply: 'not sent: the queued message is unreadable',
          command: NOT_BUILT,
        };
      return deps.mailer.send(item.message);
    },
    record: (outcomes) =>
      recordRows(
        deps,
        'outbound_mail',
        owner,
        outcomes.map(({ work, update }) => ({ id: work.id, update })),
        clearDeliveredBody,
      ),
    renew: (ids, now) => renewRows(deps, 'outbound_mail', owner, ids, now + leaseMs),
    release: (ids, now) => releaseRows(deps, 'outbound_mail', owner, ids, now),
    reconsider: (ids, now) => reconsiderRows(deps, 'outbound_mail', ids, now),
    heldElsewhere: (now) => heldElsewhere(deps, 'outbound_mail', owner, now, scope),
  };
  return source;
}

function parseMessage(text: string | null): OutgoingMessage | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as OutgoingMessage;
  } catch {
    return null;
  }
}
