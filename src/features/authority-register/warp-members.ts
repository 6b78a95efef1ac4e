// Moving authorities into a WARP: all or nothing, one batch, one audit entry per authority moved.

import type { BatchItem } from '../../db/client.js';
import { inList } from '../../db/limits.js';
import { authorities } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { normaliseAuthorityCode } from '../../domain/authority-code.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { requireWarp } from './warps.js';

export interface MoveResult {
  warp: string;
  /** The authorities that changed WARP, with the WARP each came from (null: none). */
  moved: { code: string; from: string | null }[];
  /** Codes that were already in this WARP. */
  unchanged: string[];
}

/** Moves authorities into a WARP. Unknown codes are a 422 listing them, and then nothing changes. */
export async function moveWarpMembers(
  deps: Deps,
  actor: ActorContext,
  warpId: string,
  input: { authorities: string[] },
): Promise<MoveResult> {
  const warp = await requireWarp(deps, warpId);
  const codes = [...new Set(input.authorities.map(normaliseAuthorityCode))];
  const found = new Map<string, string | null>();
  const rows = await deps.db
    .select({ code: authorities.code, warpId: authorities.warpId })
    .from(authorities)
    .where(inList(authorities.code, codes));
  for (const r of rows) found.set(r.code, r.warpId);
  const unknown = codes.filter((c) => !found.has(c));
  if (unknown.length)
    throw new AppError(
      'validation_failed',
      `No authority has the code${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; nothing was moved.`,
      {
        errors: unknown.map((code) => ({
          path: `authorities.${input.authorities.findIndex((a) => normaliseAuthorityCode(a) === code)}`,
          message: `There is no authority "${code}".`,
        })),
        extra: { unknown },
      },
    );
  const moved = codes
    .filter((c) => found.get(c) !== warp.id)
    .map((c) => ({ code: c, from: found.get(c) ?? null }));
  const unchanged = codes.filter((c) => found.get(c) === warp.id);
  if (moved.length) {
    const now = deps.clock.now();
    const writes: BatchItem[] = [
      deps.db
        .update(authorities)
        .set({ warpId: warp.id, updatedAt: now })
        .where(
          inList(
            authorities.code,
            moved.map((m) => m.code),
          ),
        ),
      ...moved.map((m) =>
        auditEntry(deps.db, actor, now, {
          action: 'warp.member-move',
          subjectType: 'authority',
          subjectId: m.code,
          before: { warp: m.from },
          after: { warp: warp.id },
        }),
      ),
    ];
    await deps.db.batch(writes as [BatchItem, ...BatchItem[]]);
  }
  return { warp: warp.id, moved, unchanged };
}
