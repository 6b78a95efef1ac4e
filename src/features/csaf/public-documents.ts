// Which CSAF documents are public, and their bytes: a lineage (an advisory and its updates) is published at
// its canonical URL when its latest version that went out is TLP:CLEAR, real (not a test) and still being
// sent or sent. A lineage whose latest version is above CLEAR, a test, not released yet, or withdrawn (its
// sending was cancelled) is not listed and its URL is a 404: nothing here says why. The routes, the ROLIE
// feed, index.txt, changes.csv and the provider metadata all read through here.

import { and, eq, isNotNull } from 'drizzle-orm';
import { inList, inSubquery } from '../../db/limits.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import {
  buildCsafDocument,
  type CsafDocument,
  lineageUpTo,
  releaseDate,
  threadOf,
  wentOut,
} from '../advisories/csaf-export.js';
import { csafJson } from '../advisories/csaf-json.js';
import { csafCanonicalUrl, csafRelativePath } from '../advisories/csaf-location.js';

const publicStates = ['sending', 'sent'] as const;

/** A published lineage, as the feed and the listings describe it (its latest version's words). */
export interface PublicCsafLineage {
  threadId: string;
  latestId: string;
  trackingId: string;
  title: string;
  summary: string;
  initialReleaseDate: Date;
  currentReleaseDate: Date;
  /** `2026/ncsc-2026-0001.json`, inside the TLP:CLEAR folder. */
  path: string;
  url: string;
  /** When its bytes last changed: the latest release, or the end of its sending (interim → final). */
  lastModified: Date;
}

const lineageColumns = {
  id: advisories.id,
  reference: advisories.reference,
  threadId: advisories.threadId,
  title: advisories.title,
  summary: advisories.summary,
  tlp: advisories.tlp,
  state: advisories.state,
  releasedAt: advisories.releasedAt,
  approvedAt: advisories.approvedAt,
  sentAt: advisories.sentAt,
  needsSecondApproval: advisories.needsSecondApproval,
};

/** Every published lineage, the most recently changed first. */
export async function listPublicCsafLineages(
  deps: Pick<Deps, 'db' | 'config'>,
): Promise<PublicCsafLineage[]> {
  // Threads with at least one public-looking version; their real versions that were released.
  const candidateThreads = deps.db
    .select({ threadId: advisories.threadId })
    .from(advisories)
    .where(
      and(
        eq(advisories.tlp, 'CLEAR'),
        eq(advisories.test, false),
        inList(advisories.state, publicStates),
        isNotNull(advisories.releasedAt),
      ),
    );
  const rows = await deps.db
    .select(lineageColumns)
    .from(advisories)
    .where(
      and(
        eq(advisories.test, false),
        isNotNull(advisories.releasedAt),
        inSubquery(advisories.threadId, candidateThreads),
      ),
    );

  const threads = new Map<string, typeof rows>();
  for (const row of rows) threads.set(row.threadId, [...(threads.get(row.threadId) ?? []), row]);

  const lineages: PublicCsafLineage[] = [];
  for (const [threadId, thread] of threads) {
    // The version that went out last (as lineageUpTo orders them: release time, then id).
    const [latest] = thread
      .filter(wentOut)
      .sort((a, b) => releaseDate(b).getTime() - releaseDate(a).getTime() || b.id.localeCompare(a.id));
    if (latest?.tlp !== 'CLEAR' || !(publicStates as readonly string[]).includes(latest.state)) continue;
    const [root = latest] = lineageUpTo(latest, thread);
    const initialReleaseDate = releaseDate(root);
    const currentReleaseDate = releaseDate(latest);
    lineages.push({
      threadId,
      latestId: latest.id,
      trackingId: root.reference,
      title: latest.title,
      summary: latest.summary.trim() || latest.title,
      initialReleaseDate,
      currentReleaseDate,
      path: csafRelativePath(root.reference, initialReleaseDate),
      url: csafCanonicalUrl(deps.config, root.reference, initialReleaseDate),
      lastModified: new Date(Math.max(currentReleaseDate.getTime(), latest.sentAt?.getTime() ?? 0)),
    });
  }
  // Two tracking ids with one file name (`A/1` and `a 1`): the one released first keeps the URL.
  const byPath = new Map<string, PublicCsafLineage>();
  for (const l of lineages.sort((a, b) => a.initialReleaseDate.getTime() - b.initialReleaseDate.getTime()))
    if (!byPath.has(l.path)) byPath.set(l.path, l);
  return [...byPath.values()].sort(
    (a, b) => b.lastModified.getTime() - a.lastModified.getTime() || a.trackingId.localeCompare(b.trackingId),
  );
}

export interface PublicCsafDocument {
  lineage: PublicCsafLineage;
  document: CsafDocument;
  /** The served bytes' text (sorted keys, indented, one final newline). */
  json: string;
}

/** The published document at `<year>/<file name>.json`, or null (never says why). */
export async function findPublicCsafDocument(
  deps: Pick<Deps, 'db' | 'config'>,
  path: string,
): Promise<PublicCsafDocument | null> {
  const lineage = (await listPublicCsafLineages(deps)).find((l) => l.path === path);
  if (!lineage) return null;
  const thread = await threadOf(deps, { threadId: lineage.threadId, test: false });
  const latest = thread.find((a) => a.id === lineage.latestId);
  if (!latest) return null;
  const document = buildCsafDocument(deps.config, latest, thread);
  return { lineage, document, json: csafJson(document) };
}
