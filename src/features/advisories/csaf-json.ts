// CSAF documents, feeds and metadata as bytes: keys sorted at every level (recommended test 6.2.13 sorts them
// with the default Intl.Collator, so this does too), two-space indented, one final newline. The same value
// always gives the same bytes, so hashes, signatures and ETags stay stable between requests.

const collator = new Intl.Collator();

/** A deep copy with every object's keys in sorted order (arrays keep their order). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => collator.compare(a, b));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)])) as T;
}

/** The served text of a CSAF JSON file. */
export function csafJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}
