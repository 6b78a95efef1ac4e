// What the current register can be grouped by: its nations, council types (with the nations each occurs
// in) and WARPs. Forms offer these as audience choices.
import { and, asc, eq } from 'drizzle-orm';
import { authorities, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';

export interface RegisterFacets {
  nations: string[];
  regions: string[];
  types: Array<{ code: string; name: string; nations: string[] }>;
  warps: Array<{ id: string; name: string }>;
}

/** The facets of the whole register, or of one WARP's members (what its operators can address). */
export async function registerFacets(deps: Deps, only: { warpId?: string } = {}): Promise<RegisterFacets> {
  const [typeRows, warpRows] = await Promise.all([
    deps.db
      .selectDistinct({
        nation: authorities.nation,
        region: authorities.region,
        code: authorities.type,
        name: authorities.typeName,
      })
      .from(authorities)
      .where(
        and(
          eq(authorities.current, true),
          only.warpId === undefined ? undefined : eq(authorities.warpId, only.warpId),
        ),
      )
      .orderBy(asc(authorities.typeName), asc(authorities.nation)),
    deps.db.select({ id: warps.id, name: warps.name }).from(warps).orderBy(asc(warps.name)),
  ]);
  const types = new Map<string, { code: string; name: string; nations: string[] }>();
  for (const r of typeRows) {
    const type = types.get(r.code) ?? { code: r.code, name: r.name, nations: [] };
    if (!type.nations.includes(r.nation)) type.nations.push(r.nation);
    types.set(r.code, type);
  }
  return {
    nations: [...new Set(typeRows.map((r) => r.nation))].sort(),
    regions: [...new Set(typeRows.map((r) => r.region))].sort(),
    types: [...types.values()],
    warps: warpRows,
  };
}
