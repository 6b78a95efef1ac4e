// GET /dashboard/chase: the authorities with no confirmed primary mailbox, what is missing and since when,
// by name, in pages, with a CSV download of the whole list. Staff only; scoped by the query.
import type { ChaseBucket, ChaseList } from '../../features/coverage/chase.js';
import { chaseBuckets } from '../../features/coverage/chase.js';
import { Pagination } from '../components/pagination.js';
import { BucketTag } from './coverage-bits.js';

export const chaseTitle = 'Chase list';

const bucketFilterText: Record<ChaseBucket, string> = {
  none: 'No mailbox',
  pending: 'Pending',
  stale: 'Stale',
  unreachable: 'Unreachable',
};

function href(bucket: ChaseBucket | undefined, offset = 0, base = '/dashboard/chase'): string {
  const q = new URLSearchParams();
  if (bucket) q.set('bucket', bucket);
  if (offset > 0) q.set('offset', String(offset));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

export function ChasePage({
  list,
  bucket,
  warpName,
}: {
  list: ChaseList;
  bucket?: ChaseBucket;
  warpName?: string | null;
}) {
  const { items, total, limit, offset } = list;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + items.length, total);
  const filters: Array<[ChaseBucket | undefined, string]> = [
    [undefined, 'All'],
    ...chaseBuckets.map((b): [ChaseBucket, string] => [b, bucketFilterText[b]]),
  ];
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-full">
        {warpName && <span class="govuk-caption-l">{warpName}</span>}
        <h1 class="govuk-heading-l">{chaseTitle}</h1>
        <p class="govuk-body">
          Current authorities with no confirmed primary mailbox, with what is missing and since when. Chase
          them to register or confirm a mailbox.
        </p>
        <nav class="app-group-choice" aria-label="Show">
          <ul class="govuk-list app-inline-list">
            {filters.map(([b, text]) => (
              <li>
                {b === bucket ? (
                  <a class="govuk-link app-current-link" href={href(b)} aria-current="page">
                    {text}
                  </a>
                ) : (
                  <a class="govuk-link" href={href(b)}>
                    {text}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </nav>
        <p class="govuk-body">
          <a class="govuk-link" href={href(bucket, 0, '/api/v1/coverage/chase.csv')} download>
            Download the {bucket ? `“${bucketFilterText[bucket]}” ` : ''}list (CSV)
          </a>
        </p>
        {items.length === 0 ? (
          <p class="govuk-body">There is nobody to chase{bucket ? ' in this group' : ''}.</p>
        ) : (
          <table class="govuk-table app-table--compact" id="chase-list">
            <caption class="govuk-table__caption govuk-table__caption--s">
              {from} to {to} of {total}
            </caption>
            <thead class="govuk-table__head">
              <tr class="govuk-table__row">
                <th scope="col" class="govuk-table__header">
                  Authority
                </th>
                <th scope="col" class="govuk-table__header">
                  Region
                </th>
                <th scope="col" class="govuk-table__header">
                  WARP
                </th>
                <th scope="col" class="govuk-table__header">
                  State
                </th>
                <th scope="col" class="govuk-table__header">
                  What is missing
                </th>
              </tr>
            </thead>
            <tbody class="govuk-table__body">
              {items.map((i) => (
                <tr class="govuk-table__row">
                  <td class="govuk-table__cell">
                    <a class="govuk-link" href={`/authorities/${i.code}`}>
                      {i.name}
                    </a>
                  </td>
                  <td class="govuk-table__cell">{i.region}</td>
                  <td class="govuk-table__cell">{i.warp?.name ?? 'None'}</td>
                  <td class="govuk-table__cell">
                    <BucketTag bucket={i.bucket} />
                  </td>
                  <td class="govuk-table__cell">{i.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pagination
          total={total}
          limit={limit}
          offset={offset}
          label="Pages of the chase list"
          href={(o) => href(bucket, o)}
        />
      </div>
    </div>
  );
}
