// Creating the fan-out: one delivery row per (advisory, mailbox), all in one INSERT … SELECT, so the
// recipients are fixed atomically with the release and no council can be half-created or lost. Each
// statement carries the release's guard (`stillApplies`): a release that loses a race creates nothing.
import { type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { type advisories, authorities, mailboxes } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { senderOf } from './advisory-scope.js';
import { audienceCondition, recipientMailboxCondition } from './audience.js';
import { headsUpStatements } from './sms-heads-up.js';
import { requireUsableTestAudience, testAddressesAllowed } from './test-audiences.js';

type AdvisoryRow = typeof advisories.$inferSelect;

function deadline(deps: Deps, now: number): number {
  return now + Math.round(deps.config.DELIVERY_DEADLINE_HOURS * 3600_000);
}

/** The statement that creates every delivery of a (non-test) advisory, if `stillApplies` holds. */
function createDeliveriesStatement(
  deps: Deps,
  advisory: AdvisoryRow,
  now: number,
  stillApplies: SQL,
): BatchItem {
  const where = sql`${audienceCondition(advisory.audience, senderOf(advisory))} and ${recipientMailboxCondition(advisory.tlp)} and ${stillApplies}`;
  return deps.db.run(sql`
    insert into deliveries (id, advisory_id, mailbox_id, authority_code, address, mailbox_kind, status, attempts,
      next_attempt_at, deadline_at, created_at)
    select lower(hex(randomblob(13))), ${advisory.id}, ${mailboxes.id}, ${mailboxes.authorityCode}, ${mailboxes.address},
      ${mailboxes.kind}, 'created', 0, ${now}, ${deadline(deps, now)}, ${now}
    from ${mailboxes} join ${authorities} on ${authorities.code} = ${mailboxes.authorityCode}
    where ${where}
    on conflict do nothing`);
}

/**
 * A test advisory's deliveries (its named test audience only): the addresses are read now, and the
 * statements are made for the release's guard.
 */
async function createTestDeliveriesStatements(deps: Deps, advisory: AdvisoryRow, now: number) {
  if (!advisory.testAudience) throw new AppError('conflict', 'A test advisory needs a test audience.');
  const audience = await requireUsableTestAudience(deps, senderOf(advisory), advisory.testAudience);
  if (audience.addresses.length === 0)
    throw new AppError('conflict', `The test audience "${advisory.testAudience}" has no addresses.`);
  // Checked again now: a staff member may have been disabled, or a mailbox retired, since it was saved.
  const allowed = await testAddressesAllowed(deps, senderOf(advisory), audience.addresses);
  const refused = audience.addresses.filter((a) => !allowed.has(a));
  if (refused.length)
    throw new AppError(
      'conflict',
      `The test audience "${advisory.testAudience}" holds addresses this advisory may not go to: ${refused.join(', ')}. Change the test audience first.`,
      { extra: { refused } },
    );
  return (stillApplies: SQL): BatchItem[] =>
    audience.addresses.map((address) =>
      deps.db.run(sql`
        insert into deliveries (id, advisory_id, mailbox_id, authority_code, address, mailbox_kind, status, attempts,
          next_attempt_at, deadline_at, created_at)
        select lower(hex(randomblob(13))), ${advisory.id}, ${`test:${address}`}, null, ${address}, 'test', 'created', 0,
          ${now}, ${deadline(deps, now)}, ${now}
        where ${stillApplies}
        on conflict do nothing`),
    );
}

/**
 * The statements creating an advisory's deliveries, for the transition that starts sending it: given its
 * guard, they write only if that transition happens (`with:` of `advisoryTransitions.apply`).
 */
export async function deliveryCreation(
  deps: Deps,
  advisory: AdvisoryRow,
  now: number,
): Promise<(stillApplies: SQL) => BatchItem[]> {
  if (advisory.test) return createTestDeliveriesStatements(deps, advisory, now);
  return (stillApplies) => [
    createDeliveriesStatement(deps, advisory, now, stillApplies),
    offeredMailboxesStatement(deps, advisory, now, stillApplies),
    ...headsUpStatements(deps, advisory, now, stillApplies),
  ];
}

/**
 * A reorganisation's gap closed: a successor in the audience that has not yet got mailboxes of its own is
 * reached through its predecessors' mailboxes still offered to it (carry-forward.ts), each copy marked with
 * the successor it went for. After the direct deliveries, so a mailbox the audience reaches directly gets
 * one copy, unmarked.
 */
function offeredMailboxesStatement(
  deps: Deps,
  advisory: AdvisoryRow,
  now: number,
  stillApplies: SQL,
): BatchItem {
  const successorInAudience = sql`exists (select 1 from authorities where authorities.code = o.successor_code
    and ${audienceCondition(advisory.audience, senderOf(advisory))})`;
  return deps.db.run(sql`
    insert into deliveries (id, advisory_id, mailbox_id, authority_code, address, mailbox_kind, status, attempts,
      next_attempt_at, deadline_at, created_at, on_behalf_of)
    select lower(hex(randomblob(13))), ${advisory.id}, mailboxes.id, mailboxes.authority_code, mailboxes.address,
      mailboxes.kind, 'created', 0, ${now}, ${deadline(deps, now)}, ${now}, min(o.successor_code)
    from mailbox_offers o join mailboxes on mailboxes.id = o.mailbox_id
    where o.state = 'offered' and ${recipientMailboxCondition(advisory.tlp)} and ${successorInAudience} and ${stillApplies}
    group by mailboxes.id
    on conflict do nothing`);
}
