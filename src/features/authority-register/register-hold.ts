// Held register imports: an import the sanity checks stopped (register-sanity.ts) waits, with the file as
// it came, until an admin approves it (it is then applied as it would have been, against the register as
// it is by then) or refuses it. Each decision is a guarded, audited transition; two admins deciding at
// once: one wins, the other gets 409.
import { desc, eq } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { registerImports } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { importRegister } from './import-register.js';
import { type HeldImportRow, heldImportView, registerImportTransitions } from './register-held.js';

async function findHeld(deps: Deps, id: string): Promise<HeldImportRow> {
  const row = await deps.db.query.registerImports.findFirst({ where: eq(registerImports.id, id) });
  if (!row) throw new AppError('not_found', `There is no held register import with id "${id}".`);
  return row;
}

export async function listHeldImports(deps: Deps) {
  const rows = await deps.db
    .select()
    .from(registerImports)
    .orderBy(desc(registerImports.createdAt))
    .limit(50);
  return rows.map(heldImportView);
}

/**
 * Applies a held import: the file is imported against the register as it is now, its writes in one batch
 * with the approval (which its guard makes conditional: the loser of a race gets 409).
 */
export async function approveHeldImport(deps: Deps, actor: ActorContext, id: string) {
  const row = await findHeld(deps, id);
  registerImportTransitions.assertCan(row, 'approve');
  const at = deps.clock.now();
  return importRegister(
    deps,
    actor,
    { content: row.content, source: row.source },
    {
      approving: {
        async write(writes: BatchItem[]) {
          const parts = registerImportTransitions.statements(deps.db, actor, 'approve', id, {
            at,
            set: { decidedBy: actor.principal.actor, decidedAt: at },
          });
          const items = [...parts.before, ...writes, parts.update, ...parts.after];
          const results = await deps.db.batch(items as [BatchItem, ...BatchItem[]]);
          const updated = results[parts.before.length + writes.length] as unknown[];
          if (!updated?.length) throw await registerImportTransitions.conflictNow(deps.db, 'approve', id);
        },
      },
    },
  );
}

export async function refuseHeldImport(deps: Deps, actor: ActorContext, id: string) {
  const row = await findHeld(deps, id);
  registerImportTransitions.assertCan(row, 'refuse');
  const at = deps.clock.now();
  const refused = await registerImportTransitions.apply(deps, actor, 'refuse', id, {
    at,
    set: { decidedBy: actor.principal.actor, decidedAt: at },
  });
  return heldImportView(refused);
}
