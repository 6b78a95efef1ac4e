// An advisory as an OASIS CSAF 2.0 document. One document per advisory lineage: the tracking id is the first
// version's reference, and each update or cancellation that went out is the next entry of its revision
// history (the advisory's own reference stays findable as an alias).
//
// Profiles: an advisory without CVE ids is an "Informational Advisory" (csaf_informational_advisory: a
// summary note and an external reference, no `/vulnerabilities`, test 6.1.27.3). One with CVE ids lists
// them in `/vulnerabilities` and so uses the generic profile (CSAF Base) under its own category name: the
// "Security Advisory" profile would need a product tree and product statuses, which an advisory here does
// not record, and inventing them would be worse than leaving them out.
//
// TLP: CSAF 2.0 carries TLP 1.0 labels (CLEAR is WHITE, AMBER+STRICT is AMBER); the TLP 2.0 label is stated
// in the distribution text. Only a TLP:CLEAR document names its canonical URL (`self`, test 6.2.11): the
// others have none, being served only behind the scope check.

import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { tlpLabels, tlpMeaning } from '../../domain/tlp.js';
import { AppError } from '../../errors.js';
import { readableAdvisory } from './advisory-scope.js';
import { sortKeys } from './csaf-json.js';
import { csafCanonicalUrl } from './csaf-location.js';
import { publicAdvisoryUrl } from './feed-entries.js';
import type { AdvisoryRow } from './view.js';

/** The category of a document with CVE ids (CSAF Base profile; not a name test 6.1.26 reserves). */
export const CSAF_CATEGORY_WITH_CVES = 'council_security_advisory';

/** TLP 2.0 (ours) → TLP 1.0 (the only labels CSAF 2.0's schema allows). */
const csafTlpLabel: Record<AdvisoryRow['tlp'], 'WHITE' | 'GREEN' | 'AMBER' | 'RED'> = {
  CLEAR: 'WHITE',
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  'AMBER+STRICT': 'AMBER',
  RED: 'RED',
};

const revisionSummary: Record<AdvisoryRow['kind'], string> = {
  advisory: 'Initial version',
  update: 'Update',
  cancellation: 'Cancellation',
};

export interface CsafNote {
  category: 'description' | 'details' | 'general' | 'summary' | 'other';
  title: string;
  text: string;
}

export interface CsafReference {
  category: 'external' | 'self';
  summary: string;
  url: string;
}

export interface CsafVulnerability {
  cve: string;
  notes: CsafNote[];
  references: CsafReference[];
}

export interface CsafDocument {
  document: {
    category: 'csaf_informational_advisory' | typeof CSAF_CATEGORY_WITH_CVES;
    csaf_version: '2.0';
    lang: string;
    title: string;
    publisher: { category: 'coordinator'; name: string; namespace: string };
    distribution: { text: string; tlp: { label: 'WHITE' | 'GREEN' | 'AMBER' | 'RED'; url: string } };
    aggregate_severity: { text: string };
    notes: CsafNote[];
    references: CsafReference[];
    tracking: {
      id: string;
      aliases?: string[];
      status: 'final' | 'interim';
      version: string;
      initial_release_date: string;
      current_release_date: string;
      revision_history: Array<{ date: string; number: string; summary: string }>;
    };
  };
  vulnerabilities?: CsafVulnerability[];
}

/** The columns that decide whether, and when, a version went out. */
export type ReleaseFields = Pick<
  AdvisoryRow,
  'id' | 'state' | 'releasedAt' | 'approvedAt' | 'needsSecondApproval'
>;

/** An advisory that went out: it has a release time. */
type Released<T extends ReleaseFields> = T & { releasedAt: Date };

/** When sending started: the second admin's approval when one was needed, else the release. */
export const releaseDate = (a: Released<ReleaseFields>) => a.approvedAt ?? a.releasedAt;

/** Whether sending ever started: released (and approved, when a second admin was needed). */
export function wentOut<T extends ReleaseFields>(a: T): a is Released<T> {
  return (
    a.releasedAt !== null &&
    (a.state === 'sending' || a.state === 'sent' || a.state === 'cancelled') &&
    (!a.needsSecondApproval || a.approvedAt !== null)
  );
}

/**
 * The versions of a lineage up to and including `advisory`, oldest first: those of its thread that went
 * out no later than it did. The first is the lineage's original (its reference is the tracking id).
 */
export function lineageUpTo<T extends ReleaseFields>(advisory: Released<T>, thread: T[]): Released<T>[] {
  const earlier = thread.filter(
    (a): a is Released<T> => wentOut(a) && a.id !== advisory.id && releaseDate(a) <= releaseDate(advisory),
  );
  return [...earlier, advisory].sort(
    (a, b) => releaseDate(a).getTime() - releaseDate(b).getTime() || a.id.localeCompare(b.id),
  );
}

/** A CSAF document is for an advisory that went out: a 409 for one that did not (yet). */
function assertWentOut(a: AdvisoryRow): asserts a is Released<AdvisoryRow> {
  if (!wentOut(a))
    throw new AppError(
      'conflict',
      `A CSAF document is made once an advisory has gone out; this one is ${a.state}.`,
    );
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const cveRecordUrl = (cve: string) => `https://www.cve.org/CVERecord?id=${encodeURIComponent(cve)}`;

/** At least as shareable: an earlier version's title may appear in this document's history. */
const mayShow = (version: AdvisoryRow, doc: AdvisoryRow) =>
  tlpLabels.indexOf(version.tlp) <= tlpLabels.indexOf(doc.tlp);

/**
 * Builds the document of `advisory` from its thread (every version; those that went out no later than it
 * make the revision history: version N is the Nth to go out). Keys come sorted (test 6.2.13).
 */
export function buildCsafDocument(
  config: Pick<Config, 'SERVICE_NAME' | 'PUBLIC_BASE_URL'>,
  advisory: AdvisoryRow,
  thread: AdvisoryRow[],
): CsafDocument {
  assertWentOut(advisory);
  const versions = lineageUpTo(advisory, thread);
  const [root = advisory] = versions;
  const trackingId = root.reference;
  const initialReleaseDate = releaseDate(root);

  const revisionHistory = versions.map((a, i) => ({
    date: releaseDate(a).toISOString(),
    number: String(i + 1),
    summary:
      i === 0
        ? `${revisionSummary.advisory}.`
        : // A version less shareable than this document is named by neither title nor reference.
          mayShow(a, advisory)
          ? `${revisionSummary[a.kind]}: ${a.reference}: ${a.title}`
          : `${revisionSummary[a.kind]}.`,
  }));

  const notes: CsafNote[] = [
    { category: 'summary', title: 'Summary', text: advisory.summary.trim() || advisory.title },
  ];
  if (advisory.body.trim()) notes.push({ category: 'description', title: 'Details', text: advisory.body });

  const references: CsafReference[] = advisory.references
    .filter(isWebUrl)
    .map((url) => ({ category: 'external' as const, summary: 'Reference', url }));
  if (advisory.tlp === 'CLEAR')
    references.push(
      {
        category: 'self',
        summary: 'This document (canonical URL)',
        url: csafCanonicalUrl(config, trackingId, initialReleaseDate),
      },
      {
        category: 'external',
        summary: 'This advisory on the web',
        url: publicAdvisoryUrl(config, advisory.reference),
      },
    );
  if (!references.some((r) => r.category === 'external'))
    references.push({
      category: 'external',
      summary: `${config.SERVICE_NAME}, which issued this advisory`,
      url: `${config.PUBLIC_BASE_URL}/`,
    });

  const cves = [...new Set(advisory.cves)];
  const vulnerabilities = cves.map((cve) => ({
    cve,
    notes: [
      {
        category: 'description' as const,
        title: `What ${advisory.reference} says`,
        text: advisory.summary.trim() || advisory.title,
      },
    ],
    references: [
      { category: 'external' as const, summary: `The CVE record of ${cve}`, url: cveRecordUrl(cve) },
    ],
  }));

  const aliases = [
    ...new Set(
      versions
        .slice(1)
        .filter((a) => mayShow(a, advisory))
        .map((a) => a.reference),
    ),
  ].filter((r) => r !== trackingId);
  return sortKeys({
    document: {
      category: cves.length ? CSAF_CATEGORY_WITH_CVES : 'csaf_informational_advisory',
      csaf_version: '2.0',
      lang: 'en-GB',
      title: advisory.title,
      publisher: { category: 'coordinator', name: config.SERVICE_NAME, namespace: config.PUBLIC_BASE_URL },
      distribution: {
        text: `TLP:${advisory.tlp} (FIRST TLP 2.0). ${tlpMeaning(advisory.tlp)}`,
        tlp: { label: csafTlpLabel[advisory.tlp], url: 'https://www.first.org/tlp/' },
      },
      aggregate_severity: { text: advisory.severity.charAt(0).toUpperCase() + advisory.severity.slice(1) },
      notes,
      references,
      tracking: {
        id: trackingId,
        ...(aliases.length ? { aliases } : {}),
        status: advisory.state === 'sending' ? 'interim' : 'final',
        version: String(versions.length),
        initial_release_date: initialReleaseDate.toISOString(),
        current_release_date: releaseDate(advisory).toISOString(),
        revision_history: revisionHistory,
      },
    },
    ...(vulnerabilities.length ? { vulnerabilities } : {}),
  });
}

/** Every version of an advisory's thread that went out (of the same kind: test or real). */
export async function threadOf(
  deps: Pick<Deps, 'db'>,
  advisory: Pick<AdvisoryRow, 'threadId' | 'test'>,
): Promise<AdvisoryRow[]> {
  return deps.db
    .select()
    .from(advisories)
    .where(
      and(
        eq(advisories.threadId, advisory.threadId),
        eq(advisories.test, advisory.test),
        isNotNull(advisories.releasedAt),
      ),
    )
    .orderBy(asc(advisories.releasedAt));
}

/** The CSAF document of an advisory the caller may see; 409 for one not released yet. */
export async function exportCsaf(deps: Deps, principal: Principal, id: string): Promise<CsafDocument> {
  // The content: only for a caller who may read it (never a WARP following an NCSC TLP:RED advisory).
  const advisory = await readableAdvisory(deps, principal, id);
  assertWentOut(advisory);
  return buildCsafDocument(deps.config, advisory, await threadOf(deps, advisory));
}
