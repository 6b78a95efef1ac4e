// What the public may see: released TLP:CLEAR advisories that are not tests. The feeds and the public page
// read only through here, so nothing else can leak by reference.

import { and, desc, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import { escapeHtml } from '../../../templates/template.js';
import type { Config } from '../../config.js';
import { inList } from '../../db/limits.js';
import { advisories } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { safeUrl } from '../../lib/safe-url.js';
import { renderMarkdown } from './markdown.js';

const FEED_LIMIT = 50;

export interface PublicAdvisory {
  id: string;
  reference: string;
  kind: string;
  title: string;
  summary: string;
  bodyHtml: string;
  severity: string;
  tlp: string;
  cves: string[];
  references: string[];
  /** When sending started: the second admin's approval when one was needed, else the release. */
  publishedAt: Date;
  updatedAt: Date;
  url: string;
}

type AdvisoryRow = typeof advisories.$inferSelect;

function publicCondition(): SQL {
  return and(
    eq(advisories.tlp, 'CLEAR'),
    eq(advisories.test, false),
    inList(advisories.state, ['sending', 'sent']),
    isNotNull(advisories.releasedAt),
  )!;
}

const publishedAtColumn = sql`coalesce(${advisories.approvedAt}, ${advisories.releasedAt})`;

export function publicAdvisoryUrl(config: Pick<Config, 'PUBLIC_BASE_URL'>, reference: string): string {
  return `${config.PUBLIC_BASE_URL}/advisories/public/${encodeURIComponent(reference)}`;
}

const kindPrefixes: Record<string, string> = { update: 'Update: ', cancellation: 'Cancelled: ' };

/** "Update: " or "Cancelled: " for a later version of an advisory; '' for the original. */
export function kindPrefix(kind: string): string {
  return kindPrefixes[kind] ?? '';
}

/** The headline a feed entry carries: "Update: NCSC-2026-0002: Example VPN flaw". */
export function publicHeadline(a: Pick<PublicAdvisory, 'kind' | 'reference' | 'title'>): string {
  return `${kindPrefix(a.kind)}${a.reference}: ${a.title}`;
}

function toPublic(config: Pick<Config, 'PUBLIC_BASE_URL'>, row: AdvisoryRow): PublicAdvisory {
  const publishedAt = row.approvedAt ?? row.releasedAt ?? row.createdAt;
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind,
    title: row.title,
    summary: row.summary,
    bodyHtml: renderMarkdown(row.body),
    severity: row.severity,
    tlp: row.tlp,
    cves: row.cves,
    references: row.references,
    publishedAt,
    updatedAt: new Date(Math.max(row.updatedAt.getTime(), publishedAt.getTime())),
    url: publicAdvisoryUrl(config, row.reference),
  };
}

/** The newest public advisories first, at most FEED_LIMIT. */
export async function listPublicAdvisories(deps: Deps, limit = FEED_LIMIT): Promise<PublicAdvisory[]> {
  const rows = await deps.db
    .select()
    .from(advisories)
    .where(publicCondition())
    .orderBy(desc(publishedAtColumn), desc(advisories.id))
    .limit(limit);
  return rows.map((row) => toPublic(deps.config, row));
}

/** One public advisory by reference; null for anything that is not public (never says why). */
export async function findPublicAdvisory(deps: Deps, reference: string): Promise<PublicAdvisory | null> {
  const [row] = await deps.db
    .select()
    .from(advisories)
    .where(and(eq(advisories.reference, reference), publicCondition()))
    .limit(1);
  return row ? toPublic(deps.config, row) : null;
}

/** The entry's content for feed readers: the TLP label first, then the summary, body, CVEs and references. */
export function entryContentHtml(a: PublicAdvisory): string {
  const parts = [
    `<p><strong>TLP:${escapeHtml(a.tlp)}</strong></p>`,
    `<p><strong>${escapeHtml(a.summary)}</strong></p>`,
    a.bodyHtml,
  ];
  if (a.cves.length) parts.push(`<p>CVEs: ${escapeHtml(a.cves.join(', '))}</p>`);
  if (a.references.length)
    parts.push(
      `<ul>${a.references.map((r) => `<li><a href="${escapeHtml(safeUrl(r))}">${escapeHtml(r)}</a></li>`).join('')}</ul>`,
    );
  return parts.join('\n');
}
