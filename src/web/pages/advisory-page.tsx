// One advisory as staff see it before and while it is sent: TLP label, summary, the body's sanitised HTML,
// who it reaches, and the councils it would miss; and, from advisory-release-slots.tsx, the release buttons
// and the progress of a send.
import type { Child } from 'hono/jsx';
import { ukDateTime } from '../../domain/uk-time.js';
import type { AdvisoryPreview } from '../../features/advisories/preview-advisory.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { SuccessBanner, WarningText } from '../components/bits.js';
import { ErrorSummary } from '../components/error-summary.js';
import { SummaryList } from '../components/summary-list.js';
import { StatusTag, TlpTag } from '../components/tag.js';
import { describeAudience, severityText, tlpMeanings } from './advisory-bits.js';

export interface AdvisoryPageProps {
  advisory: AdvisoryView;
  /** Who it reaches: for its author (an admin, or its WARP's operators) only. */
  preview?: AdvisoryPreview;
  /** The advisory this one updates or cancels. */
  parent?: { id: string; reference: string; title: string } | null;
  warpNames?: Map<string, string>;
  /** A confirmation to show at the top (e.g. "Draft saved"). */
  banner?: string;
  error?: string;
  /** The release, approve and cancel buttons. */
  actions?: Child;
  /** The progress of a send and each delivery's outcome. */
  progress?: Child;
  /** Cancelling: the last thing on the page. */
  cancel?: Child;
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

/** A list of lines, or "None". */
function ListOrNone({ items }: { items: Child[] }) {
  if (items.length === 0) return <>None</>;
  return (
    <ul class="govuk-list">
      {items.map((item) => (
        <li>{item}</li>
      ))}
    </ul>
  );
}

function AdvisoryFacts({
  advisory: a,
  warpNames,
}: {
  advisory: AdvisoryView;
  warpNames?: Map<string, string>;
}) {
  const when = (key: string, at: Date | string | null | undefined) =>
    at ? { key, value: ukDateTime(at) } : null;
  return (
    <SummaryList
      classes="govuk-!-margin-top-6"
      rows={[
        { key: 'Severity', value: severityText[a.severity] ?? a.severity },
        { key: 'CVEs', value: a.cves.length ? a.cves.join(', ') : 'None' },
        {
          key: 'References',
          value: (
            <ListOrNone
              items={a.references.map((r) => (
                <a class="govuk-link app-break-words" href={r} rel="noreferrer noopener">
                  {r}
                </a>
              ))}
            />
          ),
        },
        { key: 'Audience', value: <ListOrNone items={describeAudience(a.audience, warpNames)} /> },
        { key: 'Written by', value: a.warp ? `WARP ${warpNames?.get(a.warp) ?? a.warp}` : 'NCSC' },
        when('Created', a.createdAt),
        a.updatedAt !== a.createdAt && when('Last changed', a.updatedAt),
        when('Released', a.releasedAt),
        when('Approved', a.approvedAt),
        when('Sent', a.sentAt),
        when('Cancelled', a.cancelledAt),
      ]}
    />
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
      <SummaryList
        rows={[
          { key: 'Councils', value: <span data-preview="councils">{preview.councils}</span> },
          {
            key: 'Mailboxes',
            value: (
              <>
                <span data-preview="mailboxes">{preview.mailboxes}</span> {mailboxWord}
              </>
            ),
          },
          !advisory.test &&
            (advisory.severity === 'critical' || advisory.urgent) && {
              key: 'Out-of-hours mobiles texted',
              value: <span data-preview="mobiles">{preview.mobiles}</span>,
            },
          preview.encryption && {
            key: 'Encrypted copies',
            value: (
              <>
                <span data-preview="encrypted">{preview.encryption.encrypted}</span> encrypted to the
                mailbox’s key
                {preview.encryption.headsUp > 0 && (
                  <>
                    ; <span data-preview="heads-up">{preview.encryption.headsUp}</span> get only a heads-up
                    (no key, and encryption is required)
                  </>
                )}
                {preview.encryption.plain > 0 && <>; {preview.encryption.plain} signed, not encrypted</>}
                {preview.encryption.note && <p class="govuk-body-s">{preview.encryption.note}</p>}
              </>
            ),
          },
          { key: 'WARPs', value: <ListOrNone items={warpList} /> },
          {
            key: 'Councils with no mailbox that would receive it',
            value: <span data-preview="without-mailbox">{missing.length}</span>,
          },
        ]}
      />
      {/* Only while it waits to be sent: once sent or cancelled, the approval is history. */}
      {preview.needsSecondApproval &&
        (advisory.state === 'draft' || advisory.state === 'awaiting-approval') && (
          <WarningText>
            {advisory.tlp === 'RED' ? 'It is TLP:RED' : 'It reaches more than one WARP'}, so a second
            administrator must approve it before it is sent.
          </WarningText>
        )}
      {!preview.testAudience && preview.mailboxes === 0 && (
        <WarningText>
          Nobody would receive it: no council in its audience has a {mailboxWord.replace(/es$/, '')}.
        </WarningText>
      )}
      {preview.partNations.map((n) => (
        <WarningText>
          It reaches {n.councils} of the {n.of} councils in {n.nation}.
        </WarningText>
      ))}
      {preview.endedNamed.map((e) => (
        <WarningText>
          {e.name} ({e.code}) has ended: its successors {e.successors.join(', ')} receive it instead.
        </WarningText>
      ))}
      {preview.viaPredecessors.length > 0 && (
        <p class="govuk-body">
          {preview.viaPredecessors.map((v) => `${v.name} (${v.code})`).join(', ')}{' '}
          {preview.viaPredecessors.length === 1 ? 'is' : 'are'} reached through the mailboxes of the councils
          they replace, which have not yet said whether they serve them.
        </p>
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
  cancel,
}: AdvisoryPageProps) {
  const a = advisory;
  // The progress of a send spans the page: its table of deliveries is wide.
  return (
    <>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {banner && <SuccessBanner>{banner}</SuccessBanner>}
          <ErrorSummary description={error} />
          <span class="govuk-caption-l">
            {kindCaption[a.kind] ?? a.kind} {a.reference}
            {a.test ? ' (test)' : ''}
          </span>
          <h1 class="govuk-heading-l app-break-words">{a.title}</h1>
          <p class="govuk-body">
            <TlpTag tlp={a.tlp} /> <StatusTag of="advisoryState" value={a.state} />
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

          {actions ? <div id="advisory-actions">{actions}</div> : null}
        </div>
      </div>
      {progress ? <div id="advisory-progress">{progress}</div> : null}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {a.withheld ? (
            <div class="govuk-inset-text" id="advisory-withheld">
              Its content is not shown to you. TLP:{a.tlp} advisories are for their recipients: you can follow
              your councils’ deliveries and acknowledgements here, and the councils themselves can read it.
            </div>
          ) : (
            <>
              <p class="govuk-body-l app-break-words">{a.summary}</p>
              <div class="app-advisory-body app-break-words" id="advisory-body">
                {/* The body was rendered from Markdown with raw HTML escaped and only http(s)/mailto links. */}
                <div dangerouslySetInnerHTML={{ __html: govukBodyHtml(a.bodyHtml) }} />
              </div>
            </>
          )}

          <AdvisoryFacts advisory={a} warpNames={warpNames} />

          {/* Who it would reach, while that is still to be decided; once released, the deliveries say. */}
          {preview && (a.state === 'draft' || a.state === 'awaiting-approval') && (
            <Reach advisory={a} preview={preview} warpNames={warpNames} />
          )}
          {cancel}
        </div>
      </div>
    </>
  );
}
