// Checks an audience before it is saved: a WARP operator addresses only its own members (403), and the
// WARPs and councils it names must exist, so a typo is an error rather than a silently smaller send. An
// upcoming council (a reorganisation's, not yet vested) may be named; an ended one that names successors
// reaches them instead.
import { inList } from '../../db/limits.js';
import { type Audience, authorities, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError, type FieldError } from '../../errors.js';
import { assertAudienceAllowed } from './audience.js';

export async function checkAudience(
  deps: Deps,
  sender: Principal,
  audience: Audience,
  path = 'audience',
): Promise<void> {
  await assertAudienceAllowed(deps, sender, audience);
  const errors: FieldError[] = [];
  if (audience.warps?.length) {
    const found = await deps.db.select({ id: warps.id }).from(warps).where(inList(warps.id, audience.warps));
    const missing = audience.warps.filter((w) => !found.some((f) => f.id === w));
    if (missing.length)
      errors.push({ path: `${path}.warps`, message: `There is no WARP with id ${missing.join(', ')}` });
  }
  if (audience.authorities?.length) {
    const codes = audience.authorities.map((c) => c.toUpperCase());
    const found = await deps.db
      .select({
        code: authorities.code,
        current: authorities.current,
        shadow: authorities.shadow,
        successors: authorities.replacedBy,
      })
      .from(authorities)
      .where(inList(authorities.code, codes));
    const missing = codes.filter((c) => !found.some((f) => f.code === c));
    // Upcoming councils may be named; an ended one reaches its successors (the preview says so), and one
    // that ended without successors would reach nobody.
    const former = found
      .filter((f) => !f.current && !f.shadow && f.successors.length === 0)
      .map((f) => f.code);
    if (missing.length)
      errors.push({
        path: `${path}.authorities`,
        message: `There is no council with code ${missing.join(', ')}`,
      });
    if (former.length)
      errors.push({
        path: `${path}.authorities`,
        message: `These councils no longer exist and would receive nothing: ${former.join(', ')}`,
      });
  }
  if (errors.length)
    throw new AppError('validation_failed', errors.map((e) => e.message).join('; '), { errors });
}
