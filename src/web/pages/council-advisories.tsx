// What a council sees of the advisories sent to it, on its own pages: the list on its account page, each
// advisory's page (its content unless its TLP label keeps it from this session, its own deliveries), and
// acknowledging it from the web.
import { ukDateTime } from '../../domain/uk-time.js';
import type { DeliveryList, DeliveryTotals } from '../../features/advisories/delivery-list.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { SuccessBanner } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Table } from '../components/table.js';
import { StatusTag, Tag, TlpTag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { severityText, tlpMeanings } from './advisory-bits.js';
import { govukBodyHtml } from './advisory-page.js';

export function CouncilAdvisoryList({
  advisories,
  totals,
}: {
  advisories: AdvisoryView[];
  totals: Map<string, DeliveryTotals>;
}) {
  return (
    <>
      <h2 class="govuk-heading-m" id="advisories">
        Advisories sent to your council
      </h2>
      <Table
        caption="The newest first"
        stack
        columns={['Advisory', 'Label', 'Acknowledged']}
        rows={advisories.map((a) => {
          const t = totals.get(a.id);
          return [
            <>
              <a class="govuk-link" href={`/account/advisories/${a.id}`}>
                {a.reference}
              </a>
              <span class="app-outcome__detail app-break-words">
                {a.withheld ? 'Title not shown' : a.title}
              </span>
            </>,
            <TlpTag tlp={a.tlp} />,
            t && t.acknowledged > 0 ? (
              <Tag colour="green">Acknowledged</Tag>
            ) : t && t.delivered > 0 ? (
              <Tag colour="orange">Not yet</Tag>
            ) : (
              <Tag colour="grey">Not delivered yet</Tag>
            ),
          ];
        })}
        empty="No advisory has been sent to your council yet."
      />
    </>
  );
}

export const councilAdvisoryTitle = (a: AdvisoryView) =>
  a.withheld ? a.reference : `${a.reference}: ${a.title}`;

export function CouncilAdvisoryPage({
  advisory: a,
  deliveries,
  csrf,
  done,
  errors = [],
  name,
}: {
  advisory: AdvisoryView;
  deliveries: DeliveryList;
  csrf: string;
  done?: string;
  errors?: SummaryError[];
  name?: string;
}) {
  const acknowledged = deliveries.items.find((d) => d.acknowledgedAt);
  const delivered = deliveries.items.some((d) => d.status === 'delivered');
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account#advisories">
          Back to your council
        </a>
        <ErrorSummary errors={errors} />
        {done && <SuccessBanner>{done}</SuccessBanner>}
        <span class="govuk-caption-l">{a.reference}</span>
        <h1 class="govuk-heading-l app-break-words">{a.withheld ? `Advisory ${a.reference}` : a.title}</h1>
        <p class="govuk-body">
          <TlpTag tlp={a.tlp} /> <strong>{severityText[a.severity] ?? a.severity}</strong>
        </p>
        <p class="govuk-body-s">
          TLP:{a.tlp}: {tlpMeanings[a.tlp] ?? ''}
        </p>
        {a.withheld ? (
          <div class="govuk-inset-text">
            Its content is not shown here: TLP:{a.tlp} advisories are for the mailboxes they were sent to.
            Sign in with the link e-mailed to the mailbox that received it to read it here, or read the e-mail
            itself.
          </div>
        ) : (
          <>
            <p class="govuk-body-l app-break-words">{a.summary}</p>
            <div class="app-advisory-body app-break-words">
              {/* Rendered from Markdown with raw HTML escaped and only http(s)/mailto links. */}
              <div dangerouslySetInnerHTML={{ __html: govukBodyHtml(a.bodyHtml) }} />
            </div>
          </>
        )}
        <h2 class="govuk-heading-m">Your mailboxes</h2>
        <Table
          caption="Where it was sent"
          hiddenCaption
          stack
          columns={['Mailbox', 'Status', 'Acknowledged']}
          rows={deliveries.items.map((d) => [
            <span class="app-break-words">{d.mailbox}</span>,
            <StatusTag of="deliveryStatus" value={d.status} />,
            d.acknowledgedAt ? `${ukDateTime(d.acknowledgedAt)} by ${d.acknowledgedBy ?? ''}` : 'Not yet',
          ])}
        />
        <h2 class="govuk-heading-m" id="acknowledge">
          Acknowledge it
        </h2>
        {acknowledged ? (
          <p class="govuk-body">
            Your council acknowledged it on {ukDateTime(acknowledged.acknowledgedAt!)}
            {acknowledged.acknowledgedBy ? ` (${acknowledged.acknowledgedBy})` : ''}.
          </p>
        ) : delivered ? (
          <PostForm action={`/account/advisories/${a.id}/acknowledge`} csrf={csrf}>
            <p class="govuk-body">Tell the NCSC your team has received it and is dealing with it.</p>
            <TextInput
              id="name"
              name="name"
              label="Your name or team (optional)"
              value={name}
              error={errors.find((e) => e.field === 'name')?.text}
              maxlength={100}
              autocomplete="name"
            />
            <Button preventDoubleClick>Acknowledge</Button>
          </PostForm>
        ) : (
          <p class="govuk-body">It has not reached any of your mailboxes yet.</p>
        )}
      </div>
    </div>
  );
}
