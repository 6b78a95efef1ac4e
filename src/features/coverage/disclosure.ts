// What coverage the public may see. Staff (admins, WARP operators) see every count. Everyone else (not
// signed in, or a council) sees counts grouped by nation or region only, unfiltered, and no group smaller
// than PUBLIC_COVERAGE_MIN_GROUP: its buckets are withheld, and so are the next smallest groups' until the
// withheld councils together reach the threshold, so no council's state can be worked out by subtracting
// the groups shown from the total. Nations and regions nest (every region lies in one nation), so no pair
// of public answers can be subtracted to single out fewer councils than a region holds.
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import type { CoverageFilters, CoverageGroup, CoverageReport, Dimension } from './report.js';

export const publicDimensions = ['nation', 'region'] as const satisfies readonly Dimension[];

/** The figures a suppressed group withholds: its buckets, resilient and responsive, and their percentages. */
export const withheldFigures = [
  'confirmed',
  'stale',
  'unreachable',
  'pending',
  'none',
  'resilient',
  'responsive',
  'percentConfirmed',
  'percentStale',
  'percentUnreachable',
  'percentPending',
  'percentNone',
  'percentResilient',
  'percentResponsive',
] as const;
type Withheld = (typeof withheldFigures)[number];

/** A group as disclosed: its bucket counts are null when `suppressed`. */
export type DisclosedGroup = Omit<CoverageGroup, Withheld> & {
  [K in Withheld]: number | null;
} & { suppressed: boolean };

export interface DisclosedReport extends Omit<CoverageReport, 'total' | 'groups'> {
  total: DisclosedGroup;
  groups: DisclosedGroup[];
}

/** Whether this caller sees every count (admins and WARP operators). */
export function seesAllCoverage(principal: Principal | null | undefined): boolean {
  return principal?.role === 'admin' || principal?.role === 'warp';
}

/** Refuses what only staff may ask: grouping by WARP or type, and filters. */
export function assertPublicQuery(by: Dimension, filters: CoverageFilters): void {
  const filtered = Object.values(filters).some((v) => Array.isArray(v) && v.length > 0);
  if (!(publicDimensions as readonly string[]).includes(by) || filtered)
    throw new AppError(
      'forbidden',
      'Coverage by WARP or council type, and filtered coverage, are for signed-in staff; the public figures are by nation or region.',
    );
}

const shown = (g: CoverageGroup): DisclosedGroup => ({ ...g, suppressed: false });

function hidden(g: CoverageGroup): DisclosedGroup {
  const out: DisclosedGroup = { ...g, suppressed: true };
  for (const k of withheldFigures) out[k] = null;
  return out;
}

/** The history as the caller may see it: each day's groups withheld as in `discloseSafely`. */
export function discloseHistory<Day extends { total: CoverageGroup; groups: CoverageGroup[] }>(
  days: readonly Day[],
  by: Dimension,
  min: number,
): Array<Omit<Day, 'total' | 'groups'> & { total: DisclosedGroup; groups: DisclosedGroup[] }> {
  return days.map((d) => {
    const safe = discloseSafely({ by, filters: {}, total: d.total, groups: d.groups }, min);
    return { ...d, total: safe.total, groups: safe.groups };
  });
}

/** Every count shown (for staff). */
export function discloseAll(report: CoverageReport): DisclosedReport {
  return { ...report, total: shown(report.total), groups: report.groups.map(shown) };
}

/**
 * Withholds the buckets of groups smaller than `min`, then of the next smallest groups until the withheld
 * councils number at least `min` (so the total minus what is shown never isolates fewer than `min`).
 */
export function discloseSafely(report: CoverageReport, min: number): DisclosedReport {
  // Upcoming councils' counts only when there are enough of them not to single one out.
  const upcoming =
    !report.upcoming || report.upcoming.authorities >= min
      ? report.upcoming
      : { authorities: report.upcoming.authorities, confirmed: null, offered: null };
  if (report.total.authorities < min)
    return { ...report, upcoming, total: hidden(report.total), groups: report.groups.map(hidden) };
  const order = [...report.groups].sort((a, b) => a.authorities - b.authorities);
  const hide = new Set<CoverageGroup>(order.filter((g) => g.authorities < min));
  let withheldCouncils = [...hide].reduce((n, g) => n + g.authorities, 0);
  for (const g of order) {
    if (hide.size === 0 || withheldCouncils >= min) break;
    if (hide.has(g)) continue;
    hide.add(g);
    withheldCouncils += g.authorities;
  }
  return {
    ...report,
    upcoming,
    total: shown(report.total),
    groups: report.groups.map((g) => (hide.has(g) ? hidden(g) : shown(g))),
  };
}
