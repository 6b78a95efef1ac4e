// The advisories staff can see, newest first, with their TLP label and state, filters and pages.
import { advisoryStates } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { ukDateTime } from '../../domain/uk-time.js';
import type { DeliveryTotals } from '../../features/advisories/delivery-list.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { Button } from '../components/button.js';
import { PagedTable } from '../components/pagination.js';
import { Select } from '../components/select.js';
import { StatusTag, statusWords, TlpTag } from '../components/tag.js';
import { severityText } from './advisory-bits.js';

export const advisoryListTitle = 'Advisories';

export interface AdvisoryListFilters {
  state?: string;
  tlp?: string;
  test?: string;
}

export interface AdvisoryListProps {
  items: AdvisoryView[];
  /** Delivered, failed and acknowledged, per advisory id (released advisories only). */
  totals: Map<string, DeliveryTotals>;
  total: number;
  limit: number;
  offset: number;
  filters: AdvisoryListFilters;
}

/** The filters stand side by side. */
const filterGroup = 'govuk-!-display-inline-block govuk-!-margin-right-4';

function pageHref(filters: AdvisoryListFilters, offset: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (offset > 0) q.set('offset', String(offset));
  const s = q.toString();
  return s ? `/advisories?${s}` : '/advisories';
}

/** "12 delivered, 1 failed, 5 acknowledged", or a dash before anything is sent. */
function Deliveries({ totals }: { totals?: DeliveryTotals }) {
  if (!totals) return <>–</>;
  return (
    <span class="app-nowrap-list">
      {totals.delivered} delivered
      {totals.failed > 0 ? (
        <>
          , <strong class="app-text-failed">{totals.failed} failed</strong>
        </>
      ) : null}
      , {totals.acknowledged} acknowledged
    </span>
  );
}

export function AdvisoryListPage({ items, totals, total, limit, offset, filters }: AdvisoryListProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <h1 class="govuk-heading-l">{advisoryListTitle}</h1>
        <Button href="/advisories/new">Write an advisory</Button>
        <form method="get" action="/advisories" novalidate>
          <Select
            id="state"
            label="State"
            none="Any"
            value={filters.state}
            options={advisoryStates.map((s) => ({ value: s, text: statusWords.advisoryState[s] }))}
            groupClass={filterGroup}
          />
          <Select
            id="tlp"
            label="TLP label"
            none="Any"
            value={filters.tlp}
            options={tlpLabels.map((t) => ({ value: t, text: `TLP:${t}` }))}
            groupClass={filterGroup}
          />
          <Select
            id="test"
            label="Test mode"
            none="Any"
            value={filters.test}
            options={[
              { value: 'false', text: 'Real advisories' },
              { value: 'true', text: 'Tests' },
            ]}
            groupClass={filterGroup}
          />
          <Button variant="secondary">Filter</Button>
        </form>
        <PagedTable
          id="advisory-list"
          total={total}
          limit={limit}
          offset={offset}
          pagesLabel="Pages of advisories"
          href={(o) => pageHref(filters, o)}
          columns={['Reference', 'Title', 'Severity', 'Label', 'State', 'Deliveries', 'Created']}
          rows={items.map((a) => [
            <>
              <a class="govuk-link" href={`/advisories/${a.id}`}>
                {a.reference}
              </a>
              {a.test ? ' (test)' : ''}
            </>,
            a.title,
            severityText[a.severity] ?? a.severity,
            <TlpTag tlp={a.tlp} />,
            <StatusTag of="advisoryState" value={a.state} />,
            <Deliveries totals={totals.get(a.id)} />,
            ukDateTime(a.createdAt),
          ])}
          empty={`There are no advisories${filters.state || filters.tlp || filters.test ? ' that match' : ''}.`}
        />
      </div>
    </div>
  );
}
