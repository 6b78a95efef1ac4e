// The advisory as the API and the pages show it: dates as ISO strings, the body also as sanitised HTML.
import type { advisories } from '../../db/schema.js';
import type { Principal } from '../../domain/principal.js';
import { renderMarkdown } from './markdown.js';

export type AdvisoryRow = typeof advisories.$inferSelect;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toAdvisoryView(row: AdvisoryRow) {
  return {
    id: row.id,
    reference: row.reference,
    kind: row.kind,
    parentId: row.parentId,
    threadId: row.threadId,
    title: row.title,
    summary: row.summary,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    severity: row.severity,
    tlp: row.tlp,
    cves: row.cves,
    references: row.references,
    audience: row.audience,
    test: row.test,
    testAudience: row.testAudience,
    urgent: row.urgent,
    requireEncryption: row.requireEncryption,
    state: row.state,
    warp: row.warpId,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    releasedBy: row.releasedBy,
    releasedAt: iso(row.releasedAt),
    approvedBy: row.approvedBy,
    approvedAt: iso(row.approvedAt),
    sentAt: iso(row.sentAt),
    cancelledBy: row.cancelledBy,
    cancelledAt: iso(row.cancelledAt),
    needsSecondApproval: row.needsSecondApproval,
    /** True when the content is withheld from this caller (see advisory-scope.ts). */
    withheld: false,
  };
}

export type AdvisoryView = ReturnType<typeof toAdvisoryView>;

/**
 * The advisory as this caller may see it (advisory-scope.ts decides `content`): without its content when
 * that is withheld; and for a council, only its own part of the audience and no one's internal ids.
 */
export function advisoryViewFor(principal: Principal, row: AdvisoryRow, content: boolean): AdvisoryView {
  const view = toAdvisoryView(row);
  const shown: AdvisoryView = content
    ? view
    : {
        ...view,
        title: `TLP:${row.tlp} advisory ${row.reference}`,
        summary: '',
        body: '',
        bodyHtml: '',
        cves: [],
        references: [],
        withheld: true,
      };
  if (principal.role !== 'council') return shown;
  return {
    ...shown,
    audience: { authorities: principal.authorityCode ? [principal.authorityCode] : [] },
    testAudience: null,
    createdBy: row.warpId ? `WARP ${row.warpId}` : 'NCSC',
    releasedBy: null,
    approvedBy: null,
    cancelledBy: null,
  };
}
