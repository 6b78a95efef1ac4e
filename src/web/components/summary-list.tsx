// A GOV.UK summary list: a key and its value a row, with an optional action link (its visually hidden
// words say what it acts on). Rows given as false, null or undefined are left out, for conditional rows.
import type { Child } from 'hono/jsx';

export interface SummaryRow {
  key: Child;
  value: Child;
  action?: {
    href: string;
    text: string;
    /** Added for screen readers, e.g. "contact details" in "Change contact details". */
    hidden?: string;
  };
}

export function SummaryList({
  rows,
  classes,
}: {
  rows: Array<SummaryRow | false | null | undefined>;
  /** Classes added to the list's, e.g. `govuk-!-margin-top-6`. */
  classes?: string;
}) {
  const shown = rows.filter((r): r is SummaryRow => Boolean(r));
  const anyAction = shown.some((r) => r.action);
  return (
    <dl class={classes ? `govuk-summary-list ${classes}` : 'govuk-summary-list'}>
      {shown.map((r) => (
        <div
          class={
            anyAction && !r.action
              ? 'govuk-summary-list__row govuk-summary-list__row--no-actions'
              : 'govuk-summary-list__row'
          }
        >
          <dt class="govuk-summary-list__key">{r.key}</dt>
          <dd class="govuk-summary-list__value">{r.value}</dd>
          {r.action && (
            <dd class="govuk-summary-list__actions">
              <a class="govuk-link" href={r.action.href}>
                {r.action.text}
                {r.action.hidden && <span class="govuk-visually-hidden"> {r.action.hidden}</span>}
              </a>
            </dd>
          )}
        </div>
      ))}
    </dl>
  );
}
