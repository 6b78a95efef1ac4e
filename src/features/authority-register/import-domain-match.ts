// Matching an organisation name from the public-sector domain list ("Local authority: Aberdeen City") to a
// register entry. Names are normalised (case, "&", punctuation, St./Saint, upon/on, and words such as City,
// Council, Borough, County, Metropolitan, District that one list uses and the other leaves out), then looked
// up first among official and short names, then among alternative names, preferring current authorities.

/** Words that say what kind of body it is rather than which one. */
const fillerWords = new Set([
  'the',
  'of',
  'city',
  'council',
  'borough',
  'county',
  'metropolitan',
  'district',
  'unitary',
  'corporation',
  'royal',
]);

/** A comparable form of an authority name: "Kingston upon Hull, City of" → "kingston on hull". */
export function normaliseAuthorityName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\blondon borough\b/g, ' ')
    .replace(/\bst\b\.?/g, ' saint ')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((w) => w !== '' && !fillerWords.has(w))
    .map((w) => (w === 'upon' ? 'on' : w))
    .join(' ');
}

/**
 * The organisation name in a domain entry's notes: "Local authority: Worthing" → "Worthing";
 * "Legacy local authority: Cumbria County Council (abolished …)" → "Cumbria County Council";
 * "Greater London Authority (GLA), established by …" → "Greater London Authority".
 */
export function organisationNameFromNotes(notes: string | null | undefined): string | null {
  if (!notes) return null;
  let name = notes.trim();
  const labelled = /^[A-Za-z ]{0,40}\b(?:authority|council|body)\s*:\s*(.+)$/is.exec(name);
  if (labelled) name = labelled[1]!;
  name = name.split(/\s*(?:[(;—–]|\s-\s|\.\s)/)[0]!.trim();
  name = name.replace(/,\s*$/, '').trim();
  return name === '' ? null : name;
}

export interface MatchCandidate {
  code: string;
  name: string;
  shortName: string;
  altNames: string | null;
  current: boolean;
}

export type NameMatch =
  | { code: string; via: 'name' | 'alt-name' }
  | { code: null; reason: 'no-name' | 'no-match' | 'ambiguous'; candidates?: string[] };

/** An index of register names; build it once per import. */
export function buildNameIndex(authorities: MatchCandidate[]) {
  const primary = new Map<string, Set<MatchCandidate>>();
  const alternative = new Map<string, Set<MatchCandidate>>();
  const add = (map: Map<string, Set<MatchCandidate>>, raw: string, a: MatchCandidate) => {
    const key = normaliseAuthorityName(raw);
    if (!key) return;
    const set = map.get(key) ?? new Set<MatchCandidate>();
    set.add(a);
    map.set(key, set);
  };
  for (const a of authorities) {
    add(primary, a.name, a);
    add(primary, a.shortName, a);
    for (const alt of (a.altNames ?? '').split(/[,|]/)) add(alternative, alt, a);
  }

  function pick(set: Set<MatchCandidate> | undefined): MatchCandidate[] {
    if (!set || set.size === 0) return [];
    const all = [...set];
    const current = all.filter((a) => a.current);
    return current.length > 0 ? current : all;
  }

  /** The register entry a name stands for, or why there is none. */
  function match(name: string | null): NameMatch {
    if (!name) return { code: null, reason: 'no-name' };
    const key = normaliseAuthorityName(name);
    if (!key) return { code: null, reason: 'no-name' };
    for (const [via, map] of [
      ['name', primary],
      ['alt-name', alternative],
    ] as const) {
      const found = pick(map.get(key));
      if (found.length === 1) return { code: found[0]!.code, via };
      if (found.length > 1)
        return { code: null, reason: 'ambiguous', candidates: found.map((a) => a.code).sort() };
    }
    return { code: null, reason: 'no-match' };
  }

  return { match };
}
