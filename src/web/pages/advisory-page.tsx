// One advisory as staff see it before and while it is sent: TLP label, summary, the body's sanitised HTML,
// who it reaches, and the councils it would miss. The release buttons and the progress of a send are
// drawn by their owners through the `actions` and `progress` slots.
import type { Child } from 'hono/jsx';
import type { AdvisoryPreview } from '../../features/advisories/preview-advisory.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { formatDateTime, SuccessBanner, WarningText } from '../components/bits.js';
import { AdvisoryStateTag, describeAudience, severityText, TlpTag, tlpMeanings } from './advisory-bits.js';

export interface AdvisoryPageProps {
  advisory: AdvisoryView;
  preview: AdvisoryPreview;
  /** The advisory this one updates or cancels. */
  parent?: { id: string; reference: string; title: string } | null;
  warpNames?: Map<string, string>;
  /** A confirmation to show at the top (e.g. "Draft saved"). */
  banner?: string;
  error?: string;
  /** SLOT: release / approve / cancel buttons (drawn by the release feature). */
  actions?: Child;
  /** SLOT: progress of a send and per-council outcomes (drawn by the fan-out feature). */
  progress?: Child;
}

export const advisoryPageTitle = (a: Pick<AdvisoryView, 'reference' | 'title'>) =>
  `${a.reference}: ${a.title}`;

/**
 * GOV.UK typography for the rendered body. Raw HTML in the Markdown was escaped, so every tag here came
 * from the renderer and carries no attributes but a link's href; a body heading never competes with the
 * page's own h1.
 */
export function govukBodyHtml(html: string): string {
  const classes: Record<string, string> = {
    h1: '<h2 class="govuk-heading-m">',
    h2: '<h2 class="govuk-heading-m">',
    h3: '<h3 class="govuk-heading-s">',
    p: '<p class="govuk-body">',
    ul: '<ul class="govuk-list govuk-list--bullet">',
    ol: '<ol class="govuk-list govuk-list--number">',
    table: '<table class="govuk-table">',
  };
  return html
    .replace(/<(h1|h2|h3|p|ul|ol|table)>/g, (_m, tag: string) => classes[tag] ?? _m)
    .replaceAll('</h1>', '</h2>')
    .replace(/<a href="/g, '<a class="govuk-link" href="');
}

const kindCaption: Record<string, string> = {
  advisory: 'Advisory',
  update: 'Update',
  cancellation: 'Cancellation',
};

function Row({ label, children }: { label: string; children?: Child }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{label}</dt>
      <dd class="govuk-summary-list__value">{children}</dd>
    </div>
  );
}

function Reach({
  advisory,
  preview,
  warpNames,
}: {
  advisory: AdvisoryView;
  preview: AdvisoryPreview;
  warpNames?: Map<string, string>;
}) {
  const warpList = preview.warps.map((w) =>
    w === '(none)' ? 'Councils in no WARP' : (warpNames?.get(w) ?? w),
  );
  const missing = preview.withoutMailbox;
  const mailboxWord = advisory.tlp === 'RED' ? 'confirmed primary mailboxes' : 'confirmed mailboxes';
  return (
    <section aria-labelledby="reach-heading" id="reach">
      <h2 class="govuk-heading-m" id="reach-heading">
        Who it reaches
      </h2>
      {preview.testAudience && (
        <div class="govuk-inset-text">
          Test mode: it goes only to the test audience <strong>{preview.testAudience.name}</strong> (
          {preview.testAudience.addresses} {preview.testAudience.addresses === 1 ? 'address' : 'addresses'}).
          No council receives it; the numbers below are what the real audience would be.
        </div>
      )}
      <dl class="govuk-summary-list">
        <Row label="Councils">
          <span data-preview="councils">{preview.councils}</span>
        </Row>
        <Row label="Mailboxes">
          <span data-preview="mailboxes">{preview.mailboxes}</span> {mailboxWord}
        </Row>
        <Row label="WARPs">
          {warpList.length ? (
            <ul class="govuk-list">
              {warpList.map((w) => (
                <li>{w}</li>
              ))}
            </ul>
          ) : (
            'None'
          )}
        </Row>
        <Row label="Councils with no mailbox that would receive it">
          <span data-preview="without-mailbox">{missing.length}</span>
        </Row>
      </dl>
      {preview.needsSecondApproval && (
        <WarningText>
          {advisory.tlp === 'RED' ? 'It is TLP:RED' : 'It reaches more than one WARP'}, so a second
          administrator must approve it before it is sent.
        </WarningText>
      )}
      {missing.length > 0 && (
        <details class="govuk-details" id="without-mailbox" open={missing.length <= 10}>
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">
              {missing.length} {missing.length === 1 ? 'council has' : 'councils have'} no{' '}
              {mailboxWord.replace(/es$/, '')}
            </span>
          </summary>
          <div class="govuk-details__text">
            <ul class="govuk-list">
              {missing.map((m) => (
                <li>
                  {m.name} <span class="app-code">({m.code})</span>
                </li>
              ))}
            </ul>
          </div>
        </details>
      )}
    </section>
  );
}

export function AdvisoryPage({
  advisory,
  preview,
  parent,
  warpNames,
  banner,
  error,
  actions,
  progress,
}: AdvisoryPageProps) {
  const a = advisory;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        {banner && <SuccessBanner>{banner}</SuccessBanner>}
        {error && (
          <div class="govuk-error-summary" data-module="govuk-error-summary">
            <div role="alert">
              <h2 class="govuk-error-summary__title">There is a problem</h2>
              <div class="govuk-error-summary__body">
                <p class="govuk-body">{error}</p>
              </div>
            </div>
          </div>
        )}
        <span class="govuk-caption-l">
          {kindCaption[a.kind] ?? a.kind} {a.reference}
          {a.test ? ' (test)' : ''}
        </span>
        <h1 class="govuk-heading-l app-break-words">{a.title}</h1>
        <p class="govuk-body">
          <TlpTag tlp={a.tlp} /> <AdvisoryStateTag state={a.state} />
        </p>
        <p class="govuk-body-s">
          TLP:{a.tlp}: {tlpMeanings[a.tlp] ?? ''}
        </p>
        {parent && (
          <p class="govuk-body">
            {a.kind === 'cancellation' ? 'This cancels ' : 'This updates '}
            <a class="govuk-link" href={`/advisories/${parent.id}`}>
              {parent.reference}: {parent.title}
            </a>
            .
          </p>
        )}

        {/* SLOT: the release controls go here. */}
        {actions ? <div id="advisory-actions">{actions}</div> : null}
        {/* SLOT: the progress of the send goes here. */}
        {progress ? <div id="advisory-progress">{progress}</div> : null}

        <p class="govuk-body-l app-break-words">{a.summary}</p>
        <div class="app-advisory-body app-break-words" id="advisory-body">
          {/* The body was rendered from Markdown with raw HTML escaped and only http(s)/mailto links. */}
          <div dangerouslySetInnerHTML={{ __html: govukBodyHtml(a.bodyHtml) }} />
        </div>

        <dl class="govuk-summary-list govuk-!-margin-top-6">
          <Row label="Severity">{severityText[a.severity] ?? a.severity}</Row>
          <Row label="CVEs">{a.cves.length ? a.cves.join(', ') : 'None'}</Row>
          <Row label="References">
            {a.references.length ? (
              <ul class="govuk-list">
                {a.references.map((r) => (
                  <li>
                    <a class="govuk-link app-break-words" href={r} rel="noreferrer noopener">
                      {r}
                    </a>
                  </li>
                ))}
              </ul>
            ) : (
              'None'
            )}
          </Row>
          <Row label="Audience">
            <ul class="govuk-list">
              {describeAudience(a.audience, warpNames).map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </Row>
          <Row label="Written by">{a.warp ? `WARP ${warpNames?.get(a.warp) ?? a.warp}` : 'NCSC'}</Row>
          <Row label="Created">{formatDateTime(a.createdAt)}</Row>
          {a.updatedAt !== a.createdAt && <Row label="Last changed">{formatDateTime(a.updatedAt)}</Row>}
          {a.releasedAt && <Row label="Released">{formatDateTime(a.releasedAt)}</Row>}
          {a.approvedAt && <Row label="Approved">{formatDateTime(a.approvedAt)}</Row>}
          {a.sentAt && <Row label="Sent">{formatDateTime(a.sentAt)}</Row>}
          {a.cancelledAt && <Row label="Cancelled">{formatDateTime(a.cancelledAt)}</Row>}
        </dl>

        <Reach advisory={a} preview={preview} warpNames={warpNames} />
      </div>
    </div>
  );
}
