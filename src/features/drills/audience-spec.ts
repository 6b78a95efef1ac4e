// An audience written on one line, as the CLI and the drill form take it: `all`, or comma-separated
// `kind:value` terms (nation, region, warp, type, council), e.g. `nation:Wales, warp:london`. Terms of one
// kind are alternatives; different kinds narrow each other, and named councils are always added, as in
// every audience (advisories/audience.ts). The result is checked by the audience schema afterwards.
import type { Audience } from '../../db/schema.js';
import { AppError } from '../../errors.js';

const kinds = {
  nation: 'nations',
  region: 'regions',
  warp: 'warps',
  type: 'types',
  council: 'authorities',
} as const;

export const audienceSpecHint =
  'all, or terms like nation:Wales, region:London, warp:wales, type:UA, council:CRF separated by commas';

export function parseAudienceSpec(text: string, path = 'audience'): Audience {
  const spec = text.trim();
  if (spec.toLowerCase() === 'all') return { all: true };
  const audience: Audience = {};
  const terms = spec
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (terms.length === 0)
    throw new AppError('validation_failed', `Say who the drill is for: ${audienceSpecHint}.`, {
      errors: [{ path, message: `Say who the drill is for: ${audienceSpecHint}` }],
    });
  for (const term of terms) {
    if (term.toLowerCase() === 'all') {
      audience.all = true;
      continue;
    }
    const match = /^([a-z]+)\s*:\s*(.+)$/i.exec(term);
    const key = match ? kinds[match[1]!.toLowerCase() as keyof typeof kinds] : undefined;
    if (!match || !key)
      throw new AppError(
        'validation_failed',
        `"${term}" is not a term of an audience (${audienceSpecHint}).`,
        {
          errors: [{ path, message: `"${term}" is not a term of an audience: use ${audienceSpecHint}` }],
        },
      );
    audience[key] = [...(audience[key] ?? []), match[2]!.trim()];
  }
  return audience;
}

/** The audience back on one line (for the form's fields and the CLI's listing). */
export function audienceSpecOf(audience: Audience): string {
  if (audience.all && !audience.authorities?.length) return 'all';
  const terms: string[] = audience.all ? ['all'] : [];
  for (const [kind, key] of Object.entries(kinds))
    for (const value of audience[key] ?? []) terms.push(`${kind}:${value}`);
  return terms.join(', ');
}
