// Advisory references: PREFIX-YYYY-NNNN, numbered per prefix and year. NCSC advisories use the configured
// prefix; a WARP's use its id upper-cased, so a WARP can never issue what looks like an NCSC reference.
import { sql } from 'drizzle-orm';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { isConstraintViolation } from '../authority-register/warps.js';

function referencePrefix(deps: Deps, warpId: string | null): string {
  return warpId ? warpId.toUpperCase() : deps.config.ADVISORY_REFERENCE_PREFIX;
}

/** The next free number for this prefix in this year (prefixes hold only A–Z, 0–9 and hyphens). */
async function nextReference(deps: Deps, prefix: string, year: number): Promise<string> {
  const stem = `${prefix}-${year}-`;
  const [row] = await deps.db
    .select({
      n: sql<number | null>`max(cast(substr(${advisories.reference}, ${stem.length + 1}) as integer))`,
    })
    .from(advisories)
    .where(sql`${advisories.reference} glob ${`${stem}[0-9]*`}`);
  return `${stem}${String(Number(row?.n ?? 0) + 1).padStart(4, '0')}`;
}

/** A reference the author chose: unused, and for a WARP starting with the WARP's own prefix. */
function assertChosenReference(deps: Deps, reference: string, warpId: string | null): void {
  const prefix = referencePrefix(deps, warpId);
  if (warpId && !reference.startsWith(`${prefix}-`))
    throw new AppError('validation_failed', `A WARP’s advisory references start with ${prefix}-.`, {
      errors: [
        { path: 'reference', message: `Start the reference with ${prefix}-, like ${prefix}-2026-0001` },
      ],
    });
}

/**
 * Writes a new advisory under a reference: the chosen one (a clash is a 409), or the next generated one,
 * taking the following number when another writer took it first.
 */
export async function withReference<T>(
  deps: Deps,
  chosen: string | undefined,
  warpId: string | null,
  write: (reference: string) => Promise<T>,
): Promise<T> {
  if (chosen) {
    assertChosenReference(deps, chosen, warpId);
    try {
      return await write(chosen);
    } catch (err) {
      if (isConstraintViolation(err))
        throw new AppError('conflict', `The reference ${chosen} is already in use.`, {
          errors: [{ path: 'reference', message: `${chosen} is already in use` }],
        });
      throw err;
    }
  }
  const prefix = referencePrefix(deps, warpId);
  const year = deps.clock.now().getUTCFullYear();
  for (let attempt = 0; ; attempt++) {
    const reference = await nextReference(deps, prefix, year);
    try {
      return await write(reference);
    } catch (err) {
      if (!isConstraintViolation(err) || attempt >= 4) throw err;
    }
  }
}
