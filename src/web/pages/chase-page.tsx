// GET /dashboard/chase: the authorities with no confirmed primary mailbox, what is missing and since when,
// by name, in pages, with a CSV download of the whole list. Staff only; scoped by the query.
import type { ChaseBucket, ChaseList } from '../../features/coverage/chase.js';
import { chaseBuckets } from '../../features/coverage/chase.js';
import { LinkChoice } from '../components/link-choice.js';
import { PagedTable } from '../components/pagination.js';
import { StatusTag } from '../components/tag.js';

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
        <LinkChoice
          label="Show"
          links={filters.map(([b, text]) => ({ href: href(b), text, current: b === bucket }))}
        />
        <p class="govuk-body">
          <a class="govuk-link" href={href(bucket, 0, '/api/v1/coverage/chase.csv')} download>
            Download the {bucket ? `“${bucketFilterText[bucket]}” ` : ''}list (CSV)
          </a>
        </p>
        <PagedTable
          id="chase-list"
          compact
          total={total}
          limit={limit}
          offset={offset}
          pagesLabel="Pages of the chase list"
          href={(o) => href(bucket, o)}
          columns={['Authority', 'Region', 'WARP', 'State', 'What is missing']}
          rows={items.map((i) => [
            <a class="govuk-link" href={`/authorities/${i.code}`}>
              {i.name}
            </a>,
            i.region,
            i.warp?.name ?? 'None',
            <StatusTag of="bucket" value={i.bucket} />,
            i.reason,
          ])}
          empty={`There is nobody to chase${bucket ? ' in this group' : ''}.`}
        />
      </div>
    </div>
  );
}
