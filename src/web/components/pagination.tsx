// GOV.UK pagination: previous and next links for an offset/limit list; and a page of such a list as a table.
import { Table, type TableProps } from './table.js';

export interface PaginationProps {
  total: number;
  limit: number;
  offset: number;
  /** The accessible name of the navigation, e.g. "Pages of advisories". */
  label: string;
  /** The link to the page starting at `offset`. */
  href: (offset: number) => string;
}

export function Pagination({ total, limit, offset, label, href }: PaginationProps) {
  if (total <= limit) return null;
  return (
    <nav class="govuk-pagination" aria-label={label}>
      {offset > 0 && (
        <div class="govuk-pagination__prev">
          <a class="govuk-link govuk-pagination__link" href={href(Math.max(0, offset - limit))} rel="prev">
            <span class="govuk-pagination__link-title">Previous page</span>
          </a>
        </div>
      )}
      {offset + limit < total && (
        <div class="govuk-pagination__next">
          <a class="govuk-link govuk-pagination__link" href={href(offset + limit)} rel="next">
            <span class="govuk-pagination__link-title">Next page</span>
          </a>
        </div>
      )}
    </nav>
  );
}

/** Which items a page of the list shows, e.g. "101 to 200 of 393". */
export function pageRange({
  offset,
  shown,
  total,
}: {
  offset: number;
  shown: number;
  total: number;
}): string {
  return `${total === 0 ? 0 : offset + 1} to ${Math.min(offset + shown, total)} of ${total}`;
}

/** One page of a long list as a table that scrolls sideways, captioned with its range, and the pagination. */
export function PagedTable(
  p: Omit<PaginationProps, 'label'> & {
    id: string;
    /** The accessible name of the pagination, e.g. "Pages of advisories". */
    pagesLabel: string;
  } & Pick<TableProps, 'columns' | 'rows' | 'compact' | 'empty'>,
) {
  return (
    <>
      <Table
        id={p.id}
        scroll
        compact={p.compact}
        caption={pageRange({ offset: p.offset, shown: p.rows.length, total: p.total })}
        columns={p.columns}
        rows={p.rows}
        empty={p.empty}
      />
      <Pagination total={p.total} limit={p.limit} offset={p.offset} label={p.pagesLabel} href={p.href} />
    </>
  );
}
