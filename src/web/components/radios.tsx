// GOV.UK radios in a fieldset: the first radio carries the field's id, so the error summary can link to it.
import type { Child } from 'hono/jsx';
import { describedBy, ErrorMessage } from './error-summary.js';

export interface RadioItem {
  value: string;
  text: Child;
  hint?: Child;
}

export interface RadiosProps {
  id: string;
  name?: string;
  legend: Child;
  legendClass?: string;
  hint?: Child;
  items: RadioItem[];
  value?: string;
  error?: string;
  small?: boolean;
}

export function Radios(p: RadiosProps) {
  const name = p.name ?? p.id;
  return (
    <div class={`govuk-form-group${p.error ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(p.id, p.hint, p.error)}>
        <legend class={`govuk-fieldset__legend ${p.legendClass ?? 'govuk-fieldset__legend--s'}`}>
          {p.legend}
        </legend>
        {p.hint ? (
          <div id={`${p.id}-hint`} class="govuk-hint">
            {p.hint}
          </div>
        ) : null}
        <ErrorMessage id={p.id} text={p.error} />
        <div class={`govuk-radios${p.small ? ' govuk-radios--small' : ''}`} data-module="govuk-radios">
          {p.items.map((item, i) => {
            const id = i === 0 ? p.id : `${p.id}-${i + 1}`;
            return (
              <div class="govuk-radios__item">
                <input
                  class="govuk-radios__input"
                  id={id}
                  name={name}
                  type="radio"
                  value={item.value}
                  checked={p.value === item.value}
                  aria-describedby={item.hint ? `${id}-item-hint` : undefined}
                />
                <label class="govuk-label govuk-radios__label" for={id}>
                  {item.text}
                </label>
                {item.hint ? (
                  <div id={`${id}-item-hint`} class="govuk-hint govuk-radios__hint">
                    {item.hint}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
