// The progress of a send as staff follow it, laid out as GOV.UK Notify lays out a sent message: what was
// delivered, what is still being tried (and when next) and what failed, a progress bar, views of the
// deliveries with their counts, a search by council, and a full-width table with each row's reason in plain
// English beside the SMTP reply, paged, and downloadable as CSV for the view shown. While the advisory is
// being sent the section carries `data-live`: app.js fetches it again every few seconds and swaps it in.
import { ukDateTime } from '../../domain/uk-time.js';
import type { DeliveryList, DeliveryView } from '../../features/advisories/delivery-list.js';
import type { AdvisoryProgress } from '../../features/advisories/report-progress.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { ImportantBanner } from '../components/bits.js';
import { Button, PostButton } from '../components/button.js';
import { Pagination, pageRange } from '../components/pagination.js';
import { Table } from '../components/table.js';
import { StatusTag, Tag } from '../components/tag.js';

/** What each view is called, and whether it is shown when it is empty. */
const viewNames: Record<DeliveryView, { text: string; always: boolean }> = {
  all: { text: 'All', always: true },
  trying: { text: 'Still trying', always: true },
  delivered: { text: 'Delivered', always: true },
  failed: { text: 'Failed', always: true },
  acknowledged: { text: 'Acknowledged', always: true },
  'not-acknowledged': { text: 'Not acknowledged', always: true },
  cancelled: { text: 'Cancelled', always: false },
};

export interface ProgressPanelProps {
  advisory: AdvisoryView;
  progress: AdvisoryProgress;
  list: DeliveryList;
  /** An admin's CSRF token: the pause banner offers to resume sending. */
  resumeCsrf?: string;
}

/** The page's address for a view, search and page of the deliveries (anchored at the table). */
export function deliveriesHref(
  id: string,
  { view, search, offset }: { view: DeliveryView; search: string; offset: number },
  base = `/advisories/${id}`,
): string {
  const params = new URLSearchParams();
  if (view !== 'all') params.set('view', view);
  if (search) params.set('q', search);
  if (offset > 0) params.set('offset', String(offset));
  const query = params.toString();
  return `${base}${query ? `?${query}` : ''}`;
}

function PausedBanner({
  advisory,
  paused,
  resumeCsrf,
}: {
  advisory: AdvisoryView;
  paused: NonNullable<AdvisoryProgress['paused']>;
  resumeCsrf?: string;
}) {
  return (
    <ImportantBanner heading="Sending is paused: our mail server is refusing our mail">
      <p class="govuk-body app-break-words">{paused.reason}</p>
      <p class="govuk-body">
        This is a fault on our side, not the councils’: no delivery is counted as failed for it. They are kept
        and sent when sending works again
        {paused.nextProbeAt ? `; we try again at ${ukDateTime(paused.nextProbeAt)}` : ''}. Once the cause is
        fixed, an administrator can resume sending at once.
      </p>
      {resumeCsrf && (
        <PostButton action={`/advisories/${advisory.id}/resume-sending`} csrf={resumeCsrf} preventDoubleClick>
          Resume sending now
        </PostButton>
      )}
    </ImportantBanner>
  );
}

/** Delivered, still trying, failed: three big numbers, each a link to its view. */
function Totals({ id, list }: { id: string; list: DeliveryList }) {
  const boxes = [
    { view: 'delivered' as const, label: 'delivered', hint: null },
    {
      view: 'trying' as const,
      label: 'still trying',
      hint:
        list.counts.trying > 0 && list.nextAttemptAt
          ? `next attempt at ${ukDateTime(list.nextAttemptAt)}`
          : null,
    },
    { view: 'failed' as const, label: 'failed', hint: null },
  ];
  return (
    <ul class="app-totals" aria-label="Deliveries so far">
      {boxes.map((b) => (
        <li class={`app-totals__item app-totals__item--${b.view}`}>
          <a
            class="govuk-link app-totals__link"
            href={`${deliveriesHref(id, { view: b.view, search: '', offset: 0 })}#deliveries`}
          >
            <span class="app-totals__number">{list.counts[b.view]}</span>
            <span class="app-totals__label">{b.label}</span>
          </a>
          {b.hint && <span class="app-totals__hint">{b.hint}</span>}
        </li>
      ))}
    </ul>
  );
}

function ViewLinks({ id, list }: { id: string; list: DeliveryList }) {
  return (
    <nav class="app-views" aria-label="Show deliveries">
      <ul class="app-views__list">
        {Object.entries(viewNames)
          .filter(([view, { always }]) => always || list.counts[view as DeliveryView] > 0)
          .map(([view, { text }]) => {
            const v = view as DeliveryView;
            const current = list.view === v;
            return (
              <li class={`app-views__item${current ? ' app-views__item--current' : ''}`}>
                <a
                  class="govuk-link app-views__link"
                  href={`${deliveriesHref(id, { view: v, search: list.search, offset: 0 })}#deliveries`}
                  aria-current={current ? 'true' : undefined}
                >
                  {text} <span class="app-views__count">{list.counts[v]}</span>
                </a>
              </li>
            );
          })}
      </ul>
    </nav>
  );
}

function SearchForm({ id, list }: { id: string; list: DeliveryList }) {
  return (
    <form method="get" action={`/advisories/${id}#deliveries`} class="app-search">
      {list.view !== 'all' && <input type="hidden" name="view" value={list.view} />}
      <div class="govuk-form-group govuk-!-margin-bottom-0">
        <label class="govuk-label" for="deliveries-search">
          Search by council, register code or address
        </label>
        <div class="app-search__row">
          <input
            class="govuk-input app-search__input"
            id="deliveries-search"
            name="q"
            type="search"
            value={list.search}
            maxlength={200}
            autocomplete="off"
            spellcheck={false}
          />
          <Button variant="secondary" classes="app-search__button">
            Search
          </Button>
        </div>
      </div>
    </form>
  );
}

function Recipient({ item }: { item: DeliveryList['items'][number] }) {
  return (
    <>
      <span class="app-recipient__name">
        {item.authorityName ?? (item.authority ? item.authority : 'Test audience')}
        {item.authority && <span class="app-recipient__code"> ({item.authority})</span>}
      </span>
      <span class="app-recipient__address">
        {item.mailbox}
        {item.mailboxKind !== 'primary' && !item.mailboxKind.startsWith('test') && ` · ${item.mailboxKind}`}
      </span>
      {item.onBehalfOf && (
        <span class="app-recipient__address">
          For {item.onBehalfOfName ?? item.onBehalfOf} ({item.onBehalfOf}), the council replacing it: this
          mailbox has not yet said whether it serves it
        </span>
      )}
    </>
  );
}

function Outcome({ item }: { item: DeliveryList['items'][number] }) {
  const when = item.deliveredAt ?? item.failedAt;
  return (
    <>
      <StatusTag of="deliveryStatus" value={item.status} />
      <span class="app-outcome__reason">{item.reason}</span>
      {item.nextAttemptAt && (item.status === 'temporary-failure' || item.status === 'technical-failure') && (
        <span class="app-outcome__detail">Next attempt at {ukDateTime(item.nextAttemptAt)}</span>
      )}
      {when && <span class="app-outcome__detail">{ukDateTime(when)}</span>}
      {item.attempts > 1 && <span class="app-outcome__detail">{item.attempts} attempts</span>}
      {item.resends > 0 && (
        <span class="app-outcome__detail">May have arrived twice (a worker stopped; same Message-ID)</span>
      )}
      {item.reply && item.status !== 'delivered' && (
        <span class="app-outcome__reply">Reply: {item.reply}</span>
      )}
    </>
  );
}

function Acknowledgement({ item }: { item: DeliveryList['items'][number] }) {
  if (item.acknowledgedAt)
    return (
      <>
        <Tag colour="green">Acknowledged</Tag>
        <span class="app-outcome__detail">
          {ukDateTime(item.acknowledgedAt)}
          {item.acknowledgedBy ? ` by ${item.acknowledgedBy}` : ''}
        </span>
      </>
    );
  if (item.status === 'delivered') return <Tag colour="grey">Not yet</Tag>;
  return <span class="app-outcome__detail">Not delivered</span>;
}

function DeliveriesTable({ list }: { list: DeliveryList }) {
  return (
    <Table
      caption="Deliveries"
      hiddenCaption
      stack
      classes="app-deliveries"
      columns={[
        { head: 'Council and mailbox', cellClass: 'app-deliveries__recipient' },
        { head: 'Status', cellClass: 'app-deliveries__outcome' },
        { head: 'Acknowledged', cellClass: 'app-deliveries__ack' },
      ]}
      rows={list.items.map((item) => [
        <Recipient item={item} />,
        <Outcome item={item} />,
        <Acknowledgement item={item} />,
      ])}
    />
  );
}

/** What a failure's status means for its deliveries, in words. */
const failureMeaning: Record<string, string> = {
  'technical-failure': 'A fault on our side (our mail set-up): still being tried',
  'temporary-failure': 'Refused for now: still being tried',
  'permanent-failure': 'Refused for good by the recipient’s mail server',
};

/**
 * What the mail provider says about the sends that did not go: each kind of failure with its count and one
 * reply, so that a provider refusing us (credentials, a suspended account) is plain from the page.
 */
function FailureKinds({ failures }: { failures: AdvisoryProgress['failures'] }) {
  if (failures.length === 0) return null;
  const ours = failures.some((f) => f.status === 'technical-failure');
  return (
    <div class="app-failure-kinds">
      <h2 class="govuk-heading-m" id="failure-kinds">
        {ours ? 'Our mail provider is refusing to send' : 'Why some sends failed'}
      </h2>
      <Table
        caption="Failures by kind, as the mail server answered"
        hiddenCaption
        stack
        columns={[
          { head: 'Kind', cellClass: 'app-code app-break-words' },
          { head: 'Deliveries', numeric: true },
          'What it means',
          { head: 'One such reply', cellClass: 'app-break-words' },
        ]}
        rows={failures.map((f) => [
          f.kind,
          f.deliveries,
          failureMeaning[f.status] ?? f.status,
          f.reply ?? '',
        ])}
      />
    </div>
  );
}

export function ProgressPanel({ advisory, progress, list, resumeCsrf }: ProgressPanelProps) {
  const id = advisory.id;
  const live = advisory.state === 'sending';
  const csv = deliveriesHref(id, { ...list, offset: 0 }, `/api/v1/advisories/${id}/report.csv`);
  const shown = pageRange({ offset: list.offset, shown: list.items.length, total: list.total });
  return (
    <section
      aria-labelledby="progress-heading"
      class="app-progress-panel"
      data-state={advisory.state}
      data-live={live ? `/advisories/${id}/progress-panel${deliveriesHref(id, list, '')}` : undefined}
    >
      {progress.paused && (
        <PausedBanner advisory={advisory} paused={progress.paused} resumeCsrf={resumeCsrf} />
      )}
      <h2 class="govuk-heading-m" id="progress-heading">
        Progress
      </h2>
      <div class="app-progress">
        <progress
          id="send-progress"
          class="app-progress__bar"
          max={Math.max(progress.total, 1)}
          value={progress.done}
          aria-describedby="send-progress-text"
        >
          {progress.percent}%
        </progress>
        <p class="govuk-body app-progress__text" id="send-progress-text" aria-live="polite">
          {progress.done} of {progress.total} deliveries finished ({progress.percent}%)
          {list.lastFinishedAt ? `. The last finished at ${ukDateTime(list.lastFinishedAt)}.` : '.'}
          {live ? ' This page updates itself while it sends.' : ''}
        </p>
      </div>
      <Totals id={id} list={list} />
      <FailureKinds failures={progress.failures} />
      <p class="govuk-body">
        Acknowledged by {list.councilsAcknowledged} of {list.councils}{' '}
        {list.councils === 1 ? 'council' : 'councils'}.
        {list.counts['not-acknowledged'] > 0 &&
          ` ${list.counts['not-acknowledged']} delivered ${list.counts['not-acknowledged'] === 1 ? 'copy is' : 'copies are'} not acknowledged yet.`}
      </p>
      <h2 class="govuk-heading-m" id="deliveries">
        Deliveries
      </h2>
      <ViewLinks id={id} list={list} />
      <SearchForm id={id} list={list} />
      <p class="govuk-body app-deliveries__meta">
        {list.total === 0
          ? list.search
            ? `No deliveries match “${list.search}”.`
            : 'No deliveries in this view.'
          : `Showing ${shown}.`}{' '}
        <a class="govuk-link" href={csv} download>
          Download {list.view === 'all' && !list.search ? 'all deliveries' : 'these deliveries'} as CSV
        </a>
      </p>
      {list.items.length > 0 && <DeliveriesTable list={list} />}
      <Pagination
        total={list.total}
        limit={list.limit}
        offset={list.offset}
        label="Pages of deliveries"
        href={(offset) => `${deliveriesHref(id, { ...list, offset })}#deliveries`}
      />
    </section>
  );
}
