// The provider's own files, made from the published lineages (public-documents.ts):
//   - provider-metadata.json (CSAF 2.0 §7.1.7, provider_json_schema.json): who publishes, where the ROLIE
//     feed and the folder are, which OpenPGP keys sign;
//   - the ROLIE feed of the TLP:CLEAR documents (§7.1.20: RFC 8322's JSON, one entry per document, its
//     hash and signature files linked as `hash` and `signature`);
//   - index.txt (§7.1.13: each document's path in the folder, one a line) and changes.csv (§7.1.14: path
//     and current release date, most recent first).
// Every date is the documents' own (no clock): the same documents give the same bytes.
import type { Config } from '../../config.js';
import { PROVIDER_METADATA_PATH } from '../../domain/csaf-paths.js';
import type { OpenPgpKeys } from '../../mail/openpgp-keys.js';
import { CSAF_CLEAR_PATH } from '../advisories/csaf-location.js';
import { PUBLIC_KEY_PATH } from '../openpgp/service-key.js';
import type { PublicCsafLineage } from './public-documents.js';

export { PROVIDER_METADATA_PATH };
export const ROLIE_FEED_PATH = `${CSAF_CLEAR_PATH}/feed-tlp-clear.json`;
export const INDEX_PATH = `${CSAF_CLEAR_PATH}/index.txt`;
export const CHANGES_PATH = `${CSAF_CLEAR_PATH}/changes.csv`;

const CSAF_SCHEMA_URL = 'https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json';

type ProviderConfig = Pick<Config, 'PUBLIC_BASE_URL' | 'SERVICE_NAME'>;

/** The publisher every document names (the provider metadata must name the same). */
export const csafPublisher = (config: ProviderConfig) => ({
  category: 'coordinator' as const,
  name: config.SERVICE_NAME,
  namespace: config.PUBLIC_BASE_URL,
});

/** The most recent change of any document; the epoch when none is published yet. */
export function lastUpdated(lineages: PublicCsafLineage[]): Date {
  return new Date(Math.max(0, ...lineages.map((l) => l.lastModified.getTime())));
}

export function providerMetadata(
  config: ProviderConfig,
  lineages: PublicCsafLineage[],
  keys: OpenPgpKeys | null,
) {
  const base = config.PUBLIC_BASE_URL;
  const keyUrl = base + PUBLIC_KEY_PATH;
  return {
    canonical_url: base + PROVIDER_METADATA_PATH,
    distributions: [
      {
        directory_url: `${base}${CSAF_CLEAR_PATH}/`,
        rolie: {
          feeds: [
            {
              summary: `${config.SERVICE_NAME}: every TLP:CLEAR advisory as a CSAF 2.0 document`,
              tlp_label: 'WHITE',
              url: base + ROLIE_FEED_PATH,
            },
          ],
        },
      },
    ],
    last_updated: lastUpdated(lineages).toISOString(),
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    ...(keys
      ? {
          public_openpgp_keys: [keys.fingerprint, ...keys.previousFingerprints].map((fingerprint) => ({
            fingerprint,
            url: keyUrl,
          })),
        }
      : {}),
    publisher: csafPublisher(config),
    // A trusted provider signs every document (§7.1.19) and publishes its key (§7.1.20).
    role: keys ? 'csaf_trusted_provider' : 'csaf_provider',
  };
}

export function rolieFeed(config: ProviderConfig, lineages: PublicCsafLineage[], signed: boolean) {
  const base = config.PUBLIC_BASE_URL;
  return {
    feed: {
      id: `${new URL(base).hostname}-csaf-feed-tlp-clear`,
      title: `${config.SERVICE_NAME}: CSAF feed (TLP:CLEAR)`,
      link: [{ rel: 'self', href: base + ROLIE_FEED_PATH }],
      category: [{ scheme: 'urn:ietf:params:rolie:category:information-type', term: 'csaf' }],
      updated: lastUpdated(lineages).toISOString(),
      entry: lineages.map((l) => ({
        id: l.trackingId,
        title: l.title,
        link: [
          { rel: 'self', href: l.url },
          { rel: 'hash', href: `${l.url}.sha256` },
          { rel: 'hash', href: `${l.url}.sha512` },
          ...(signed ? [{ rel: 'signature', href: `${l.url}.asc` }] : []),
        ],
        published: l.initialReleaseDate.toISOString(),
        updated: l.currentReleaseDate.toISOString(),
        summary: { content: l.summary },
        content: { type: 'application/json', src: l.url },
        format: { schema: CSAF_SCHEMA_URL, version: '2.0' },
      })),
    },
  };
}

/** index.txt: every document's path, one a line. */
export function indexTxt(lineages: PublicCsafLineage[]): string {
  return lineages.map((l) => `${l.path}\n`).join('');
}

/** changes.csv: `"<path>","<current release date>"`, most recent first (CSV, RFC 4180). */
export function changesCsv(lineages: PublicCsafLineage[]): string {
  return [...lineages]
    .sort(
      (a, b) =>
        b.currentReleaseDate.getTime() - a.currentReleaseDate.getTime() || a.path.localeCompare(b.path),
    )
    .map((l) => `"${l.path.replace(/"/g, '""')}","${l.currentReleaseDate.toISOString()}"\n`)
    .join('');
}
