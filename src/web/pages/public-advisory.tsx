// The public page of a TLP:CLEAR advisory (what the feeds link to): the TLP label first, then the content.

import { ukDateTime } from '../../domain/uk-time.js';
import { kindPrefix, type PublicAdvisory } from '../../features/advisories/feed-entries.js';
import { safeUrl } from '../../lib/safe-url.js';
import { SummaryList } from '../components/summary-list.js';
import { TlpTag } from '../components/tag.js';
import { severityText } from './advisory-bits.js';

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
        <SummaryList
          rows={[
            { key: 'Severity', value: severityText[p.severity] ?? p.severity },
            { key: 'Published', value: ukDateTime(p.publishedAt) },
            p.cves.length > 0 && { key: 'CVEs', value: p.cves.join(', ') },
          ]}
        />
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
          . CSAF 2.0 tools find every TLP:CLEAR advisory through the{' '}
          <a class="govuk-link" href="/.well-known/csaf/provider-metadata.json">
            CSAF provider metadata
          </a>
          .
        </p>
      </div>
    </div>
  );
}
