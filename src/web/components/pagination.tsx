// GOV.UK pagination: previous and next links for an offset/limit list.
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
