// The addresses of each WARP's operators: who hears about member councils that did not acknowledge an
// advisory. Admins read and replace the whole list; each replacement is one batch with its audit entry.

import { asc, eq } from 'drizzle-orm';
import { inList, insertRows } from '../../db/limits.js';
import { warpOperators } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError, type FieldError } from '../../errors.js';
import { headerText } from '../../mail/headers.js';
import { auditEntry } from '../audit/record.js';
import { requireWarp } from '../authority-register/warps.js';

export const MAX_WARP_OPERATORS = 50;

export interface WarpOperator {
  address: string;
  name: string | null;
  createdAt: string;
}

export interface WarpOperatorList {
  warp: string;
  operators: WarpOperator[];
}

export interface WarpOperatorsInput {
  operators: Array<{ address: string; name?: string | null }>;
}

async function readOperators(deps: Deps, warpId: string) {
  return deps.db
    .select()
    .from(warpOperators)
    .where(eq(warpOperators.warpId, warpId))
    .orderBy(asc(warpOperators.address));
}

export async function listWarpOperators(deps: Deps, warpId: string): Promise<WarpOperatorList> {
  await requireWarp(deps, warpId);
  const rows = await readOperators(deps, warpId);
  return {
    warp: warpId,
    operators: rows.map((r) => ({ address: r.address, name: r.name, createdAt: r.createdAt.toISOString() })),
  };
}

/** Checks and normalises the list: every address valid, none twice; names on one line. */
function normaliseOperators(input: WarpOperatorsInput) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  const operators: Array<{ address: string; name: string | null }> = [];
  input.operators.forEach((op, i) => {
    const checked = checkAddress(op.address);
    if (!checked.ok) {
      errors.push({ path: `operators.${i}.address`, message: checked.reason });
      return;
    }
    if (seen.has(checked.address)) {
      errors.push({ path: `operators.${i}.address`, message: `${checked.address} is in the list twice` });
      return;
    }
    seen.add(checked.address);
    const name = headerText(op.name ?? '');
    operators.push({ address: checked.address, name: name || null });
  });
  const [first] = errors;
  if (first) throw new AppError('validation_failed', `${first.path}: ${first.message}`, { errors });
  return operators;
}

/** Replaces a WARP's operators with the given list (an empty list removes them all). */
export async function replaceWarpOperators(
  deps: Deps,
  actor: ActorContext,
  warpId: string,
  input: WarpOperatorsInput,
): Promise<WarpOperatorList> {
  await requireWarp(deps, warpId);
  const operators = normaliseOperators(input);
  const before = await readOperators(deps, warpId);
  const now = deps.clock.now();
  // An address that stays keeps the date it was first added.
  const since = new Map(before.map((r) => [r.address, r.createdAt]));
  const rows = operators.map((op) => ({ warpId, ...op, createdAt: since.get(op.address) ?? now }));
  await deps.db.batch([
    deps.db.delete(warpOperators).where(eq(warpOperators.warpId, warpId)),
    ...insertRows(deps.db, warpOperators, rows),
    auditEntry(deps.db, actor, now, {
      action: 'warp.operators.replace',
      subjectType: 'warp',
      subjectId: warpId,
      before: { operators: before.map((r) => r.address) },
      after: { operators: rows.map((r) => r.address) },
    }),
  ]);
  return listWarpOperators(deps, warpId);
}

/** Each WARP's operator addresses, for the WARPs asked about (a WARP with none is absent). */
export async function operatorAddresses(deps: Deps, warpIds: string[]): Promise<Map<string, string[]>> {
  const byWarp = new Map<string, string[]>();
  if (warpIds.length === 0) return byWarp;
  const rows = await deps.db
    .select({ warpId: warpOperators.warpId, address: warpOperators.address })
    .from(warpOperators)
    .where(inList(warpOperators.warpId, warpIds))
    .orderBy(asc(warpOperators.address));
  for (const r of rows) byWarp.set(r.warpId, [...(byWarp.get(r.warpId) ?? []), r.address]);
  return byWarp;
}
