// The default WARPs: one per English region, plus Wales, Scotland and Northern Ireland. An authority
// joins the WARP for its region when it is first imported; admins can move it afterwards.
import { warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';

export const defaultWarpRegions = [
  'East Midlands',
  'East of England',
  'London',
  'North East',
  'North West',
  'South East',
  'South West',
  'West Midlands',
  'Yorkshire and The Humber',
  'Wales',
  'Scotland',
  'Northern Ireland',
] as const;

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s_-]+/g, '-');
}

/** The id of the default WARP for a region ("London" → "london"). */
export function defaultWarpId(region: string): string {
  return slugify(region);
}

export function defaultWarpName(region: string): string {
  return `${region} WARP`;
}

/** Insert statements creating any default WARP that does not exist yet (never renames or removes). */
export function defaultWarpInserts(deps: Deps) {
  const now = deps.clock.now();
  return defaultWarpRegions.map((region) =>
    deps.db
      .insert(warps)
      .values({
        id: defaultWarpId(region),
        name: defaultWarpName(region),
        region,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing(),
  );
}
