// Checks an audience before it is saved: a WARP operator addresses only its own members (403), and the
// WARPs and councils it names must exist, so a typo is an error rather than a silently smaller send.
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
      .select({ code: authorities.code, current: authorities.current })
      .from(authorities)
      .where(inList(authorities.code, codes));
    const missing = codes.filter((c) => !found.some((f) => f.code === c));
    const former = found.filter((f) => !f.current).map((f) => f.code);
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
