// The advisories staff can see, newest first, with their TLP label and state, filters and pages.
import { advisoryStates } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { formatDateTime } from '../components/bits.js';
import { Pagination } from '../components/pagination.js';
import { AdvisoryStateTag, advisoryStateText, TlpTag } from './advisory-bits.js';

export const advisoryListTitle = 'Advisories';

export interface AdvisoryListFilters {
  state?: string;
  tlp?: string;
  test?: string;
}

export interface AdvisoryListProps {
  items: AdvisoryView[];
  total: number;
  limit: number;
  offset: number;
  filters: AdvisoryListFilters;
}

function Select({
  id,
  label,
  value,
  options,
}: {
  id: string;
  label: string;
  value?: string;
  options: Array<[string, string]>;
}) {
  return (
    <div class="govuk-form-group govuk-!-display-inline-block govuk-!-margin-right-4">
      <label class="govuk-label" for={id}>
        {label}
      </label>
      <select class="govuk-select" id={id} name={id}>
        <option value="">Any</option>
        {options.map(([v, text]) => (
          <option value={v} selected={value === v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function pageHref(filters: AdvisoryListFilters, offset: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (offset > 0) q.set('offset', String(offset));
  const s = q.toString();
  return s ? `/advisories?${s}` : '/advisories';
}

export function AdvisoryListPage({ items, total, limit, offset, filters }: AdvisoryListProps) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + items.length, total);
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        <h1 class="govuk-heading-l">{advisoryListTitle}</h1>
        <a href="/advisories/new" draggable="false" class="govuk-button" data-module="govuk-button">
          Write an advisory
        </a>
        <form method="get" action="/advisories" novalidate>
          <Select
            id="state"
            label="State"
            value={filters.state}
            options={advisoryStates.map((s) => [s, advisoryStateText[s] ?? s])}
          />
          <Select
            id="tlp"
            label="TLP label"
            value={filters.tlp}
            options={tlpLabels.map((t) => [t, `TLP:${t}`])}
          />
          <Select
            id="test"
            label="Test mode"
            value={filters.test}
            options={[
              ['false', 'Real advisories'],
              ['true', 'Tests'],
            ]}
          />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
            Filter
          </button>
        </form>
        {items.length === 0 ? (
          <p class="govuk-body">
            There are no advisories{filters.state || filters.tlp || filters.test ? ' that match' : ''}.
          </p>
        ) : (
          <table class="govuk-table">
            <caption class="govuk-table__caption govuk-table__caption--s">
              {from} to {to} of {total}
            </caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  Reference
                </th>
                <th scope="col" class="govuk-table__header">
                  Title
                </th>
                <th scope="col" class="govuk-table__header">
                  Label
                </th>
                <th scope="col" class="govuk-table__header">
                  State
                </th>
                <th scope="col" class="govuk-table__header">
                  Created
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {items.map((a) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <a class="govuk-link" href={`/advisories/${a.id}`}>
                      {a.reference}
                    </a>
                    {a.test ? ' (test)' : ''}
                  </td>
                  <td class="govuk-table__cell app-break-words">{a.title}</td>
                  <td class="govuk-table__cell">
                    <TlpTag tlp={a.tlp} />
                  </td>
                  <td class="govuk-table__cell">
                    <AdvisoryStateTag state={a.state} />
                  </td>
                  <td class="govuk-table__cell">{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pagination
          total={total}
          limit={limit}
          offset={offset}
          label="Pages of advisories"
          href={(o) => pageHref(filters, o)}
        />
      </div>
    </div>
  );
}
