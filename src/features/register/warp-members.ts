// Moving authorities into a WARP: all or nothing, one batch, one audit entry per authority moved.
import { inArray } from 'drizzle-orm';
import type { BatchItem } from '../../db/client.js';
import { authorities } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { type ActorContext, auditEntry } from '../audit/record.js';
import { normaliseAuthorityCode } from './get-authority.js';
import { requireWarp } from './warps.js';

/** D1 allows at most 100 bound parameters per statement: long code lists go in slices. */
const PARAMS_PER_STATEMENT = 90;

function slices<T>(items: T[], size = PARAMS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

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
  for (const slice of slices(codes)) {
    const rows = await deps.db
      .select({ code: authorities.code, warpId: authorities.warpId })
      .from(authorities)
      .where(inArray(authorities.code, slice));
    for (const r of rows) found.set(r.code, r.warpId);
  }
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
      ...slices(moved.map((m) => m.code)).map((slice) =>
        deps.db
          .update(authorities)
          .set({ warpId: warp.id, updatedAt: now })
          .where(inArray(authorities.code, slice)),
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
