// Words the advisory pages share: TLP 2.0 meanings, severities, and a plain-words description of an audience.
import type { Audience } from '../../db/schema.js';
import { tlpMeanings as sharedTlpMeanings } from '../../domain/tlp.js';

/** FIRST TLP 2.0, in one line each; TLP:RED also says where this service sends it. */
export const tlpMeanings: Record<string, string> = {
  ...sharedTlpMeanings,
  RED: `${sharedTlpMeanings.RED} Sent to confirmed primary mailboxes only.`,
};

export const severityText: Record<string, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** Who an audience is, in words: "All councils", or each dimension with its values. */
export function describeAudience(a: Audience, warpNames: Map<string, string> = new Map()): string[] {
  if (a.all)
    return a.authorities?.length ? ['All councils', `Also: ${a.authorities.join(', ')}`] : ['All councils'];
  const parts: string[] = [];
  if (a.nations?.length) parts.push(`Nations: ${a.nations.join(', ')}`);
  if (a.regions?.length) parts.push(`Regions: ${a.regions.join(', ')}`);
  if (a.warps?.length) parts.push(`WARPs: ${a.warps.map((w) => warpNames.get(w) ?? w).join(', ')}`);
  if (a.types?.length) parts.push(`Council types: ${a.types.join(', ')}`);
  if (a.authorities?.length) parts.push(`Councils: ${a.authorities.join(', ')}`);
  return parts;
}
