// Keeping a register import for an admin's decision (register-hold.ts decides): the row with the file as it
// came, why it was held and what it would change, and its states as an aggregate.
import { registerImports } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { defineAggregate, transitions } from '../audit/transitions.js';
import type { RegisterDiff } from './register-diff.js';
import { diffSummary } from './register-diff.js';

/** Held imports keep the file in the database (a D1 row holds at most 2 MB). */
const MAX_HELD_BYTES = 1_500_000;

export const registerImportTransitions = defineAggregate({
  table: registerImports,
  subject: 'register import',
  id: registerImports.id,
  state: registerImports.state,
  updatedAt: 'updatedAt',
  transitions: transitions<'held' | 'applied' | 'refused'>()({
    approve: { action: 'register.import-approved', verb: 'approve', from: ['held'], to: 'applied' },
    refuse: { action: 'register.import-refused', verb: 'refuse', from: ['held'], to: 'refused' },
  }),
});

export type HeldImportRow = typeof registerImports.$inferSelect;

export function heldImportView(row: HeldImportRow) {
  return {
    id: row.id,
    state: row.state,
    source: row.source,
    reasons: row.reasons,
    summary: row.summary,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

/** Keeps an import for an admin's decision (called by importRegister): the row and its audit entry, one write. */
export async function holdImport(
  deps: Deps,
  actor: ActorContext,
  held: { id: string; source: string; content: string; reasons: string[]; diff: RegisterDiff },
): Promise<void> {
  if (held.content.length > MAX_HELD_BYTES)
    throw new AppError(
      'validation_failed',
      `This import would be held for an admin's approval (${held.reasons.join(' ')}), but the file is too large to keep for that. Check it with a dry run.`,
    );
  const now = deps.clock.now();
  const summary = diffSummary(held.diff);
  await deps.db.batch([
    deps.db.insert(registerImports).values({
      id: held.id,
      state: 'held',
      source: held.source.slice(0, 2000),
      content: held.content,
      reasons: held.reasons,
      summary,
      createdBy: actor.principal.actor,
      createdAt: now,
      updatedAt: now,
    }),
    auditEntry(deps.db, actor, now, {
      action: 'register.import-held',
      subjectType: 'register import',
      subjectId: held.id,
      after: { source: held.source, reasons: held.reasons, summary },
    }),
  ]);
  deps.log.warn('register import held for an admin', { id: held.id, reasons: held.reasons, summary });
}
