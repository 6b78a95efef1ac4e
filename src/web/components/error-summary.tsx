// The GOV.UK error summary: "There is a problem", then each error as a link to its field, or a description
// for a problem that is no field's (a refused action).
export interface SummaryError {
  /** The id of the field (or section) the link moves focus to. */
  field: string;
  text: string;
}

export function ErrorSummary({
  errors = [],
  description,
}: {
  errors?: SummaryError[];
  description?: string;
}) {
  if (errors.length === 0 && !description) return null;
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary" tabindex={-1}>
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          {description && <p class="govuk-body">{description}</p>}
          {errors.length > 0 && (
            <ul class="govuk-list govuk-error-summary__list">
              {errors.map((e) => (
                <li>
                  <a href={`#${e.field}`}>{e.text}</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}

/** The inline message above a field in error. */
export function ErrorMessage({ id, text }: { id: string; text?: string }) {
  if (!text) return null;
  return (
    <p id={`${id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> {text}
    </p>
  );
}

/** The ids a field's `aria-describedby` lists: its hint and its error, when present. */
export function describedBy(id: string, hint?: unknown, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
