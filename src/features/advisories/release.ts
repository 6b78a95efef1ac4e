// Release control: draft → (awaiting-approval →) sending → sent, or cancelled. A send that reaches more
// than one WARP, or is TLP:RED, needs a second admin who is neither its author nor who released it.

import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { advisories, deliveries } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext, Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { findVisibleAdvisory, senderOf } from './advisory-scope.js';
import { previewAudience } from './audience.js';
import { createDeliveriesStatement, createTestDeliveriesStatements } from './fan-out.js';
import { needsSecondAdmin } from './preview-advisory.js';

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
 * After a release commits: wakes this process's dispatcher (Node) and hands the fan-out to the dispatch queue
 * when there is one (Workers). A failed enqueue is logged, not thrown: the release has happened, and the
 * scheduled dispatch sweep sends whatever no queue message started.
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
  const row = await findVisibleAdvisory(deps, principal, id);
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

/** The statements that fix the recipients and start sending, with the state change they belong to. */
async function startSending(
  deps: Deps,
  advisory: AdvisoryRow,
  fromState: AdvisoryRow['state'],
  set: Partial<AdvisoryRow>,
) {
  const now = deps.clock.now();
  const ms = now.getTime();
  const creates = advisory.test
    ? await createTestDeliveriesStatements(deps, advisory, ms)
    : [createDeliveriesStatement(deps, advisory, ms)];
  const update = deps.db
    .update(advisories)
    .set({ ...set, state: 'sending', updatedAt: now })
    .where(and(eq(advisories.id, advisory.id), eq(advisories.state, fromState)))
    .returning({ id: advisories.id });
  return { update, creates };
}

export async function releaseAdvisory(deps: Deps, actor: ActorContext, id: string): Promise<ReleaseOutcome> {
  const advisory = await loadAdvisory(deps, actor.principal, id);
  if (advisory.state !== 'draft')
    throw new AppError('conflict', `Only a draft can be released; this advisory is ${advisory.state}.`);
  const now = deps.clock.now();
  const preview = await previewAudience(deps, senderOf(advisory), advisory.audience, advisory.tlp);
  const needsSecond = !advisory.test && needsSecondAdmin(preview.warps, advisory.tlp);
  if (!advisory.test && preview.mailboxes === 0)
    throw new AppError(
      'conflict',
      'Nobody would receive this advisory: no council in its audience has a confirmed mailbox.',
    );

  if (needsSecond) {
    await deps.db.batch([
      deps.db
        .update(advisories)
        .set({
          state: 'awaiting-approval',
          needsSecondApproval: true,
          releasedBy: actor.principal.actor,
          releasedAt: now,
          updatedAt: now,
        })
        .where(and(eq(advisories.id, id), eq(advisories.state, 'draft'))),
      auditEntry(deps.db, actor, now, {
        action: 'advisory.release',
        subjectType: 'advisory',
        subjectId: id,
        before: { state: 'draft' },
        after: { state: 'awaiting-approval', warps: preview.warps, tlp: advisory.tlp },
      }),
    ]);
    return { id, state: 'awaiting-approval', needsSecondApproval: true, deliveries: 0 };
  }

  const { update, creates } = await startSending(deps, advisory, 'draft', {
    releasedBy: actor.principal.actor,
    releasedAt: now,
  });
  const items: BatchItem[] = [
    update,
    ...creates,
    auditEntry(deps.db, actor, now, {
      action: 'advisory.release',
      subjectType: 'advisory',
      subjectId: id,
      before: { state: 'draft' },
      after: {
        state: 'sending',
        councils: preview.councils,
        mailboxes: preview.mailboxes,
        test: advisory.test,
      },
    }),
  ];
  await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
  await announce(deps, id);
  return { id, state: 'sending', needsSecondApproval: false, deliveries: await countDeliveries(deps, id) };
}

export async function approveAdvisory(deps: Deps, actor: ActorContext, id: string): Promise<ReleaseOutcome> {
  if (actor.principal.role !== 'admin')
    throw new AppError('forbidden', 'Only an admin can approve a release.');
  const advisory = await loadAdvisory(deps, actor.principal, id);
  if (advisory.state !== 'awaiting-approval')
    throw new AppError(
      'conflict',
      `Only an advisory awaiting approval can be approved; this one is ${advisory.state}.`,
    );
  const me = actor.principal.actor;
  if (me === advisory.createdBy || me === advisory.releasedBy)
    throw new AppError(
      'forbidden',
      'A second admin must approve this: not its author, and not whoever released it.',
    );
  const now = deps.clock.now();
  const { update, creates } = await startSending(deps, advisory, 'awaiting-approval', {
    approvedBy: me,
    approvedAt: now,
  });
  await deps.db.batch([
    update,
    ...creates,
    auditEntry(deps.db, actor, now, {
      action: 'advisory.approve',
      subjectType: 'advisory',
      subjectId: id,
      before: { state: 'awaiting-approval' },
      after: { state: 'sending' },
    }),
  ] as [BatchItem, ...BatchItem[]]);
  await announce(deps, id);
  return { id, state: 'sending', needsSecondApproval: true, deliveries: await countDeliveries(deps, id) };
}

/** Cancels an advisory: nothing more is sent; deliveries not yet sent are marked cancelled. */
export async function cancelAdvisory(deps: Deps, actor: ActorContext, id: string, reason?: string) {
  const advisory = await loadAdvisory(deps, actor.principal, id);
  if (advisory.state === 'sent' || advisory.state === 'cancelled')
    throw new AppError(
      'conflict',
      advisory.state === 'sent'
        ? 'This advisory has been sent to everyone. Send a cancellation notice instead (POST /api/v1/advisories/{id}/updates with kind "cancellation").'
        : 'This advisory is already cancelled.',
    );
  const now = deps.clock.now();
  const [, stopped] = await deps.db.batch([
    deps.db
      .update(advisories)
      .set({ state: 'cancelled', cancelledBy: actor.principal.actor, cancelledAt: now, updatedAt: now })
      .where(and(eq(advisories.id, id), eq(advisories.state, advisory.state))),
    deps.db
      .update(deliveries)
      .set({ status: 'cancelled', nextAttemptAt: null, leaseOwner: null, leaseExpiresAt: null })
      .where(
        and(
          eq(deliveries.advisoryId, id),
          or(
            eq(deliveries.status, 'created'),
            and(
              inList(deliveries.status, ['temporary-failure', 'technical-failure']),
              isNotNull(deliveries.nextAttemptAt),
            ),
          ),
        ),
      )
      .returning({ id: deliveries.id }),
    auditEntry(deps.db, actor, now, {
      action: 'advisory.cancel',
      subjectType: 'advisory',
      subjectId: id,
      before: { state: advisory.state },
      after: { state: 'cancelled', reason: reason ?? null },
    }),
  ]);
  return { id, state: 'cancelled' as const, stoppedDeliveries: (stopped as unknown[]).length };
}
