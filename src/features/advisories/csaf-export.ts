// An advisory as an OASIS CSAF 2.0 document, profile "Informational Advisory" (csaf_informational_advisory).
// Valid by construction: that profile needs a summary/description note and an external reference, and
// forbids `/vulnerabilities` (mandatory test 6.1.27.3), so CVE ids go in as external references to their
// CVE records instead. CSAF 2.0 carries TLP 1.0 labels; the TLP 2.0 label is stated in the distribution text.

import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { tlpMeaning } from '../../domain/tlp.js';
import { AppError } from '../../errors.js';
import { readableAdvisory } from './advisory-scope.js';
import { publicAdvisoryUrl } from './feed-entries.js';
import type { AdvisoryRow } from './view.js';

/** TLP 2.0 (ours) → TLP 1.0 (the only labels CSAF 2.0's schema allows). */
const csafTlpLabel: Record<AdvisoryRow['tlp'], 'WHITE' | 'GREEN' | 'AMBER' | 'RED'> = {
  CLEAR: 'WHITE',
  GREEN: 'GREEN',
  AMBER: 'AMBER',
  'AMBER+STRICT': 'AMBER',
  RED: 'RED',
};

const revisionSummary: Record<AdvisoryRow['kind'], string> = {
  advisory: 'Initial version.',
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

export interface CsafDocument {
  document: {
    category: 'csaf_informational_advisory';
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
}

/** An advisory that went out: it has a release time. */
type Released = AdvisoryRow & { releasedAt: Date };

const releaseDate = (a: Released) => a.approvedAt ?? a.releasedAt;

/** Whether sending ever started: released (and approved, when a second admin was needed). */
function wentOut(a: AdvisoryRow): a is Released {
  return (
    a.releasedAt !== null &&
    (a.state === 'sending' || a.state === 'sent' || a.state === 'cancelled') &&
    (!a.needsSecondApproval || a.approvedAt !== null)
  );
}

/** A CSAF document is for an advisory that went out: a 409 for one that did not (yet). */
function assertWentOut(a: AdvisoryRow): asserts a is Released {
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

/**
 * Builds the document from the advisory and the released versions of its thread up to it (its revision
 * history: version N is the Nth release in the thread).
 */
export function buildCsafDocument(
  config: Pick<Config, 'SERVICE_NAME' | 'PUBLIC_BASE_URL'>,
  advisory: AdvisoryRow,
  thread: AdvisoryRow[],
): CsafDocument {
  assertWentOut(advisory);
  const released = thread.filter(
    (a): a is Released => wentOut(a) && a.id !== advisory.id && releaseDate(a) <= releaseDate(advisory),
  );
  const versions = [...released, advisory].sort(
    (a, b) => releaseDate(a).getTime() - releaseDate(b).getTime() || a.id.localeCompare(b.id),
  );
  const revisionHistory = versions.map((a, i) => ({
    date: releaseDate(a).toISOString(),
    number: String(i + 1),
    summary:
      a.kind === 'advisory'
        ? revisionSummary.advisory
        : `${revisionSummary[a.kind]}: ${a.reference}: ${a.title}`,
  }));
  const [root = advisory] = versions;
  const latest = versions.at(-1) ?? advisory;

  const notes: CsafNote[] = [
    { category: 'summary', title: 'Summary', text: advisory.summary.trim() || advisory.title },
  ];
  if (advisory.body.trim()) notes.push({ category: 'description', title: 'Details', text: advisory.body });
  if (advisory.cves.length)
    notes.push({ category: 'general', title: 'CVE identifiers', text: advisory.cves.join(', ') });

  const references: CsafReference[] = [
    ...advisory.references
      .filter(isWebUrl)
      .map((url) => ({ category: 'external' as const, summary: 'Reference', url })),
    ...advisory.cves.map((cve) => ({
      category: 'external' as const,
      summary: `The CVE record of ${cve}`,
      url: `https://www.cve.org/CVERecord?id=${encodeURIComponent(cve)}`,
    })),
  ];
  if (advisory.tlp === 'CLEAR')
    references.push({
      category: 'self',
      summary: 'This advisory on the web',
      url: publicAdvisoryUrl(config, advisory.reference),
    });
  if (!references.some((r) => r.category === 'external'))
    references.push({
      category: 'external',
      summary: `${config.SERVICE_NAME}, which issued this advisory`,
      url: `${config.PUBLIC_BASE_URL}/`,
    });

  const aliases = root.reference !== advisory.reference ? [root.reference] : undefined;
  return {
    document: {
      category: 'csaf_informational_advisory',
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
        id: advisory.reference,
        ...(aliases ? { aliases } : {}),
        status: advisory.state === 'sending' ? 'interim' : 'final',
        version: String(versions.length),
        initial_release_date: releaseDate(root).toISOString(),
        current_release_date: releaseDate(latest).toISOString(),
        revision_history: revisionHistory,
      },
    },
  };
}

/** The CSAF document of an advisory the caller may see; 409 for one not released yet. */
export async function exportCsaf(deps: Deps, principal: Principal, id: string): Promise<CsafDocument> {
  // The content: only for a caller who may read it (never a WARP following an NCSC TLP:RED advisory).
  const advisory = await readableAdvisory(deps, principal, id);
  assertWentOut(advisory);
  const thread = await deps.db
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
  return buildCsafDocument(deps.config, advisory, thread);
}
