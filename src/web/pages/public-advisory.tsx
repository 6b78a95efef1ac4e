// The public page of a TLP:CLEAR advisory (what the feeds link to): the TLP label first, then the content.

import { kindPrefix, type PublicAdvisory } from '../../features/advisories/feed-entries.js';
import { safeUrl } from '../../lib/safe-url.js';
import { formatDateTime } from '../components/bits.js';
import { severityText, TlpTag } from './advisory-bits.js';

export type PublicAdvisoryProps = Pick<
  PublicAdvisory,
  | 'reference'
  | 'kind'
  | 'title'
  | 'summary'
  | 'bodyHtml'
  | 'severity'
  | 'tlp'
  | 'publishedAt'
  | 'cves'
  | 'references'
>;

export function PublicAdvisoryPage(p: PublicAdvisoryProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">
          <TlpTag tlp={p.tlp} />
        </p>
        <span class="govuk-caption-l">{p.reference}</span>
        <h1 class="govuk-heading-l app-break-words">
          {kindPrefix(p.kind)}
          {p.title}
        </h1>
        <dl class="govuk-summary-list">
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Severity</dt>
            <dd class="govuk-summary-list__value">{severityText[p.severity] ?? p.severity}</dd>
          </div>
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key">Published</dt>
            <dd class="govuk-summary-list__value">{formatDateTime(p.publishedAt)}</dd>
          </div>
          {p.cves.length > 0 && (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">CVEs</dt>
              <dd class="govuk-summary-list__value">{p.cves.join(', ')}</dd>
            </div>
          )}
        </dl>
        <p class="govuk-body-l">{p.summary}</p>
        <div class="govuk-body app-break-words" dangerouslySetInnerHTML={{ __html: p.bodyHtml }} />
        {p.references.length > 0 && (
          <>
            <h2 class="govuk-heading-m">References</h2>
            <ul class="govuk-list govuk-list--bullet">
              {p.references.map((r) => {
                const href = safeUrl(r);
                return (
                  <li class="app-break-words">
                    {href !== '#' ? (
                      <a class="govuk-link" href={href} rel="noreferrer noopener">
                        {r}
                      </a>
                    ) : (
                      r
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        )}
        <p class="govuk-body govuk-!-margin-top-6">
          Follow new advisories in a feed reader:{' '}
          <a class="govuk-link" href="/feeds/advisories.atom">
            Atom feed
          </a>{' '}
          or{' '}
          <a class="govuk-link" href="/feeds/advisories.json">
            JSON feed
          </a>
          .
        </p>
      </div>
    </div>
  );
}
