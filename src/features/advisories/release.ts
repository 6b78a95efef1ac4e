// Release control: draft → (awaiting-approval →) sending → sent, or cancelled. A send that reaches more
// than one WARP, or is TLP:RED, needs a second admin who is neither its author nor who released it.

import { and, eq, isNotNull, isNull, or, type SQL, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { advisories, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { retryableDeliveryStatuses } from '../../domain/advisory-states.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { findOwnAdvisory, senderOf } from './advisory-scope.js';
import { notifyApprovers } from './approval-notice.js';
import { previewAudience } from './audience.js';
import { deliveryCreation } from './fan-out.js';
import { needsSecondAdmin } from './preview-advisory.js';
import { advisoryTransitions } from './transitions.js';
import { wroteOrReleased } from './two-person.js';

type AdvisoryRow = typeof advisories.$inferSelect;

/** Notified after a release so the dispatcher starts at once instead of at its next poll. */
export type ReleaseListener = (advisoryId: string) => void;
const listeners = new WeakMap<object, Set<ReleaseListener>>();

export function onRelease(deps: Deps, listener: ReleaseListener): () => void {
  let set = listeners.get(deps.db);
  if (!set) {
    set = new Set();
    listeners.set(deps.db, set);
  }
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Once a release or an approval has happened (never before): wakes this process's dispatcher (Node) and
 * hands the fan-out to the dispatch queue when there is one (Workers). A failed enqueue is logged, not
 * thrown: the release has happened, and the scheduled dispatch sweep sends whatever no queue message started.
 */
async function announce(deps: Deps, id: string) {
  for (const listener of listeners.get(deps.db) ?? []) listener(id);
  await deps.dispatchQueue?.enqueue(id).catch((err: unknown) => {
    deps.log.error('could not enqueue the fan-out; the scheduled dispatch will send it', {
      advisoryId: id,
      err,
    });
  });
}

/** The advisory, if the caller may release, approve or cancel it (admins; its own WARP's operators). */
async function loadAdvisory(deps: Deps, principal: Principal, id: string): Promise<AdvisoryRow> {
  const row = await findOwnAdvisory(deps, principal, id);
  if (
    principal.role !== 'admin' &&
    !(principal.role === 'warp' && row.warpId && row.warpId === principal.warpId)
  )
    throw new AppError('not_found', `There is no advisory with id "${id}" that you can manage.`);
  return row;
}

export interface ReleaseOutcome {
  id: string;
  state: AdvisoryRow['state'];
  needsSecondApproval: boolean;
  deliveries: number;
}

async function countDeliveries(deps: Deps, id: string): Promise<number> {
  const [row] = await deps.db
    .select({ n: sql<number>`count(*)` })
    .from(deliveries)
    .where(eq(deliveries.advisoryId, id));
  return Number(row?.n ?? 0);
}

/**
 * The recipients are still those that were read: the release decided who receives it (and whether a second
 * admin must approve) from them, so an edit that lands first makes the release a 409 instead.
 */
function recipientsAsRead(advisory: AdvisoryRow): SQL {
  return and(
    sql`json(${advisories.audience}) = json(${JSON.stringify(advisory.audience)})`,
    eq(advisories.tlp, advisory.tlp),
    eq(advisories.test, advisory.test),
    advisory.testAudience === null
      ? isNull(advisories.testAudience)
      : eq(advisories.testAudience, advisory.testAudience),
  ) as SQL;
}

export async function releaseAdvisory(deps: Deps, actor: ActorContext, id: string): Promise<ReleaseOutcome> {
  const advisory = await loadAdvisory(deps, actor.principal, id);
  advisoryTransitions.assertCan(advisory, 'release');
  assertMailAvailable(deps);
  const now = deps.clock.now();
  const preview = await previewAudience(deps, senderOf(advisory), advisory.audience, advisory.tlp);
  // A test goes only to its test audience, so more than one WARP never applies; TLP:RED still needs two.
  const needsSecond = advisory.test ? advisory.tlp === 'RED' : needsSecondAdmin(preview.warps, advisory.tlp);
  if (!advisory.test && preview.mailboxes === 0)
    throw new AppError(
      'conflict',
      'Nobody would receive this advisory: no council in its audience has a confirmed mailbox.',
    );
  const released = { releasedBy: actor.principal.actor, releasedAt: now };

  if (needsSecond) {
    const waiting = await advisoryTransitions.apply(deps, actor, 'releaseForApproval', id, {
      set: { ...released, needsSecondApproval: true },
      when: recipientsAsRead(advisory),
      audit: { before: { state: advisory.state }, after: { warps: preview.warps, tlp: advisory.tlp } },
      at: now,
    });
    await notifyApprovers(deps, waiting, preview);
    return { id, state: waiting.state, needsSecondApproval: true, deliveries: 0 };
  }

  const sending = await advisoryTransitions.apply(deps, actor, 'release', id, {
    set: released,
    when: recipientsAsRead(advisory),
    audit: {
      before: { state: advisory.state },
      after: { councils: preview.councils, mailboxes: preview.mailboxes, test: advisory.test },
    },
    with: await deliveryCreation(deps, advisory, now.getTime()),
    at: now,
  });
  await announce(deps, id);
  return {
    id,
    state: sending.state,
    needsSecondApproval: false,
    deliveries: await countDeliveries(deps, id),
  };
}

export async function approveAdvisory(deps: Deps, actor: ActorContext, id: string): Promise<ReleaseOutcome> {
  if (actor.principal.role !== 'admin')
    throw new AppError('forbidden', 'Only an admin can approve a release.');
  const advisory = await loadAdvisory(deps, actor.principal, id);
  advisoryTransitions.assertCan(advisory, 'approve');
  assertMailAvailable(deps);
  const me = actor.principal.actor;
  if (await wroteOrReleased(deps, me, advisory))
    throw new AppError(
      'forbidden',
      'A second admin must approve this: not its author, and not whoever released it (nor a token they made).',
    );
  const now = deps.clock.now();
  const sending = await advisoryTransitions.apply(deps, actor, 'approve', id, {
    set: { approvedBy: me, approvedAt: now },
    audit: { before: { state: advisory.state } },
    with: await deliveryCreation(deps, advisory, now.getTime()),
    at: now,
  });
  await announce(deps, id);
  return { id, state: sending.state, needsSecondApproval: true, deliveries: await countDeliveries(deps, id) };
}

/** Why an advisory in this state cannot be cancelled. */
function cannotCancel(state: AdvisoryRow['state']): AppError {
  if (state === 'sent')
    return new AppError(
      'conflict',
      'This advisory has been sent to everyone. Send a cancellation notice instead (POST /api/v1/advisories/{id}/updates with kind "cancellation").',
      { extra: { state } },
    );
  if (state === 'cancelled')
    return new AppError('conflict', 'This advisory is already cancelled.', { extra: { state } });
  return advisoryTransitions.conflict('cancel', state);
}

/** Deliveries not sent yet: new, or waiting for a retry. */
const notYetSent = or(
  eq(deliveries.status, 'created'),
  and(inList(deliveries.status, retryableDeliveryStatuses), isNotNull(deliveries.nextAttemptAt)),
);

/** Cancels an advisory: nothing more is sent; deliveries not yet sent are marked cancelled. */
export async function cancelAdvisory(deps: Deps, actor: ActorContext, id: string, reason?: string) {
  const advisory = await loadAdvisory(deps, actor.principal, id);
  if (!advisoryTransitions.can(advisory.state, 'cancel')) throw cannotCancel(advisory.state);
  const now = deps.clock.now();
  const cancelled = await advisoryTransitions.attempt(deps, actor, 'cancel', id, {
    set: { cancelledBy: actor.principal.actor, cancelledAt: now },
    // Still in the state it was seen in, so the person cancelling knows what they stopped.
    when: eq(advisories.state, advisory.state),
    audit: { before: { state: advisory.state }, after: { reason: reason ?? null } },
    with: (stillApplies) => [
      deps.db
        .update(deliveries)
        .set({ status: 'cancelled', nextAttemptAt: null, leaseOwner: null, leaseExpiresAt: null })
        .where(and(eq(deliveries.advisoryId, id), notYetSent, stillApplies))
        .returning({ id: deliveries.id }),
    ],
    at: now,
  });
  if (!cancelled) throw cannotCancel((await loadAdvisory(deps, actor.principal, id)).state);
  const [stopped] = cancelled.with as [unknown[]];
  return { id, state: 'cancelled' as const, stoppedDeliveries: stopped.length };
}
