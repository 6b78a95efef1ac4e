// Where a TLP:CLEAR CSAF document lives: one canonical URL per advisory lineage, named after its tracking id
// by CSAF 2.0's file-name rule (§5.1: lower case, every run of characters other than `+`, `-`, a-z and 0-9
// becomes one `_`, then `.json`), in the folder of the year of its initial release (§7.1.11).

/** The folder the TLP:CLEAR documents, their feed, index.txt and changes.csv are in. */
export const CSAF_CLEAR_PATH = '/.well-known/csaf/clear';

/** `NCSC-2026-0001` → `ncsc-2026-0001.json`. */
export function csafFileName(trackingId: string): string {
  return `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}

/** `2026/ncsc-2026-0001.json`: the path inside the TLP:CLEAR folder (what index.txt and changes.csv list). */
export function csafRelativePath(trackingId: string, initialReleaseDate: Date | string): string {
  const year = new Date(initialReleaseDate).getUTCFullYear();
  return `${year}/${csafFileName(trackingId)}`;
}

/** The document's canonical URL: `<PUBLIC_BASE_URL>/.well-known/csaf/clear/<yyyy>/<file name>`. */
export function csafCanonicalUrl(
  config: { PUBLIC_BASE_URL: string },
  trackingId: string,
  initialReleaseDate: Date | string,
): string {
  return `${config.PUBLIC_BASE_URL}${CSAF_CLEAR_PATH}/${csafRelativePath(trackingId, initialReleaseDate)}`;
}
