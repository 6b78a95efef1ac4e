// The GOV.UK date input: day, month and year as three numeric boxes in one fieldset, with its hint and
// inline error (the error summary links to the day box, `<id>-day`).
import { describedBy, ErrorMessage } from './error-summary.js';
import { formGroupClass, Hint } from './field.js';

export interface DateInputProps {
  /** The fields are named `<id>Day`, `<id>Month`, `<id>Year`; the boxes' ids are `<id>-day` … */
  id: string;
  legend: string;
  hint?: string;
  values: { day: string; month: string; year: string };
  error?: string;
}

export function DateInput(p: DateInputProps) {
  const box = (part: 'day' | 'month' | 'year', label: 'Day' | 'Month' | 'Year', width: number) => (
    <div class="govuk-date-input__item">
      <div class="govuk-form-group">
        <label class="govuk-label govuk-date-input__label" for={`${p.id}-${part}`}>
          {label}
        </label>
        <input
          class={`govuk-input govuk-date-input__input govuk-input--width-${width}${p.error ? ' govuk-input--error' : ''}`}
          id={`${p.id}-${part}`}
          name={`${p.id}${label}`}
          type="text"
          inputmode="numeric"
          value={p.values[part]}
        />
      </div>
    </div>
  );
  return (
    <div class={formGroupClass(p.error)}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(p.id, p.hint, p.error)}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{p.legend}</legend>
        <Hint id={p.id} hint={p.hint} />
        <ErrorMessage id={p.id} text={p.error} />
        <div class="govuk-date-input" id={p.id}>
          {box('day', 'Day', 2)}
          {box('month', 'Month', 2)}
          {box('year', 'Year', 4)}
        </div>
      </fieldset>
    </div>
  );
}
