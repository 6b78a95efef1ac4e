// Advisory deliveries as a source of work for the outbound engine: claimed with a lease from `deliveries`
// (only of advisories being sent, or of one), each built from its advisory's message prepared once, and
// the advisories whose deliveries are all final marked sent as outcomes are written.
import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import {
  claimRows,
  expireOverdueRows,
  heldElsewhere,
  reconsiderRows,
  recordRows,
  releaseRows,
  renewRows,
} from '../outbound/queue-rows.js';
import { NOT_BUILT } from '../outbound/sender-fault.js';
import type { Work, WorkSource } from '../outbound/work.js';
import { completeAdvisories } from './claim.js';
import { deliveryMessages } from './delivery-messages.js';

export interface DeliveryWork extends Work {
  advisoryId: string;
  mailboxId: string;
  authorityCode: string | null;
  address: string;
  mailboxKind: string;
}

interface Claimed {
  id: string;
  advisory_id: string;
  mailbox_id: string;
  authority_code: string | null;
  address: string;
  mailbox_kind: string;
  attempts: number;
  deadline_at: number;
}

/** Deliveries of advisories being sent (of one advisory when `advisoryId` is given). */
function scopeOf(advisoryId?: string): SQL {
  const onlyOne = advisoryId ? sql`and d.advisory_id = ${advisoryId}` : sql``;
  return sql`d.advisory_id in (select a.id from advisories a where a.state = 'sending') ${onlyOne}`;
}

export function deliverySource(
  deps: Deps,
  owner: string,
  leaseMs: number,
  advisoryId?: string,
): WorkSource<DeliveryWork> {
  const scope = scopeOf(advisoryId);
  const columns = sql`id, advisory_id, mailbox_id, authority_code, address, mailbox_kind, attempts, deadline_at`;
  const messages = deliveryMessages(deps);
  const source: WorkSource<DeliveryWork> = {
    name: 'advisories',
    lane: 'advisories',
    expire: (now) => expireOverdueRows(deps, 'deliveries', now),
    async claim(limit, now) {
      const spec = { table: 'deliveries' as const, owner, limit, leaseMs, now, scope, columns };
      const lapsed = await claimRows<Claimed>(deps, spec, true);
      const due =
        lapsed.length < limit
          ? await claimRows<Claimed>(deps, { ...spec, limit: limit - lapsed.length }, false)
          : [];
      const work = (r: Claimed, resend: boolean): DeliveryWork => ({
        key: `delivery:${r.id}`,
        id: r.id,
        source,
        attempts: Number(r.attempts),
        deadlineAt: Number(r.deadline_at),
        resend,
        advisoryId: r.advisory_id,
        mailboxId: r.mailbox_id,
        authorityCode: r.authority_code,
        address: r.address,
        mailboxKind: r.mailbox_kind,
      });
      return [...lapsed.map((r) => work(r, true)), ...due.map((r) => work(r, false))];
    },
    prepare: (items) => messages.prepare(items),
    async send(item) {
      let message: Awaited<ReturnType<typeof messages.build>>;
      try {
        message = await messages.build(item);
      } catch (err) {
        deps.log.error('delivery failed before reaching the mail server', { deliveryId: item.id, err });
        return {
          status: 'technical-failure',
          messageId: '',
          reply: `not sent: ${(err as Error).message}`,
          command: NOT_BUILT,
        };
      }
      return deps.mailer.send(message);
    },
    record: (outcomes) =>
      recordRows(
        deps,
        'deliveries',
        owner,
        outcomes.map(({ work, update }) => ({ id: work.id, update })),
      ),
    settle: (items, now) => completeAdvisories(deps, [...new Set(items.map((w) => w.advisoryId))], now),
    renew: (ids, now) => renewRows(deps, 'deliveries', owner, ids, now + leaseMs),
    release: (ids, now) => releaseRows(deps, 'deliveries', owner, ids, now),
    reconsider: (ids, now) => reconsiderRows(deps, 'deliveries', ids, now),
    heldElsewhere: (now) => heldElsewhere(deps, 'deliveries', owner, now, scope),
  };
  return source;
}
