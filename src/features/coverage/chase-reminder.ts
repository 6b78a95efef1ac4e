// "Send a reminder" from the chase list: a council with no confirmed primary mailbox is e-mailed at the
// addresses it registered (not those waiting for an admin's approval, nor those that bounce), with what is
// missing and what to do. Staff in scope only; at most one reminder a day per council (and a ceiling per
// person); the queued messages and the audit entry are one write, so "last chased" is always true.
import { eq } from 'drizzle-orm';
import chaseReminder from '../../../templates/chase-reminder.js';
import type { BatchItem } from '../../db/client.js';
import { insertRows } from '../../db/limits.js';
import { mailboxes, outboundMail } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { composeMessage } from '../../mail/compose.js';
import { enforceLimits } from '../abuse/rate-limit.js';
import { auditEntry } from '../audit/record.js';
import { findWarp } from '../authority-register/warps.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { queuedRow, wakeSender } from '../outbound/queue-mail.js';
import { fullChaseList } from './chase.js';
import { CHASE_ACTION, isWritable } from './chase-contacts.js';

/** Reminders one person may send in an hour. */
export const REMINDERS_PER_HOUR = 100;

export async function sendChaseReminder(deps: Deps, actor: ActorContext, code: string) {
  assertMailAvailable(deps);
  const principal = actor.principal;
  if (principal.role !== 'admin' && principal.role !== 'warp')
    throw new AppError('forbidden', 'Only NCSC and WARP staff chase councils.');
  // Within the caller's scope and still to chase (the chase list's own rule), or no such council for them.
  const [item] = await fullChaseList(deps, principal, { codes: [code.toUpperCase()] });
  if (!item) throw new AppError('not_found', `There is no council "${code}" on your chase list.`);
  const rows = await deps.db
    .select({ address: mailboxes.address, state: mailboxes.state })
    .from(mailboxes)
    .where(eq(mailboxes.authorityCode, item.code));
  const to = [...new Set(rows.filter((m) => isWritable(m.state)).map((m) => m.address.toLowerCase()))];
  if (to.length === 0)
    throw new AppError(
      'conflict',
      `${item.name} has no address we can write to (none registered, or only ones that bounce or wait for approval): call or write to the council.`,
    );
  await enforceLimits(
    deps,
    [
      { key: `chase:authority:${item.code}`, max: 1, windowSeconds: 24 * 3600 },
      { key: `chase:actor:${principal.actor}`, max: REMINDERS_PER_HOUR, windowSeconds: 3600 },
    ],
    `reminders to ${item.name} (one a day)`,
  );
  const warp = principal.role === 'warp' && principal.warpId ? await findWarp(deps, principal.warpId) : null;
  const data = {
    serviceName: deps.config.SERVICE_NAME,
    authorityName: item.name,
    reason: item.reason.charAt(0).toLowerCase() + item.reason.slice(1),
    from: warp ? warp.name : 'The NCSC',
    registerUrl: `${deps.config.PUBLIC_BASE_URL}/register`,
    signInUrl: `${deps.config.PUBLIC_BASE_URL}/sign-in`,
  };
  const options = { lane: 'notices' as const, purpose: 'chase reminder' };
  const queued = to.map((address) =>
    queuedRow(deps, composeMessage(deps.config, chaseReminder, data, address), options),
  );
  const now = deps.clock.now();
  await deps.db.batch([
    auditEntry(deps.db, actor, now, {
      action: CHASE_ACTION,
      subjectType: 'authority',
      subjectId: item.code,
      after: { to, reason: item.reason },
    }),
    ...(insertRows(deps.db, outboundMail, queued) as BatchItem[]),
  ]);
  await wakeSender(deps, options.lane);
  return { code: item.code, to, chasedAt: now.toISOString() };
}
