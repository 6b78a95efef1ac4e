// GOV.UK radios and checkboxes in a fieldset: the first input carries the field's id, so the error summary
// can link to it. The two differ only in input type, class prefix and how many can be chosen.
import type { Child } from 'hono/jsx';
import { describedBy, ErrorMessage } from './error-summary.js';
import { formGroupClass, Hint } from './field.js';

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

type ChoiceKind = 'radios' | 'checkboxes';

interface ChoiceGroupProps extends Omit<RadiosProps, 'value'> {
  kind: ChoiceKind;
  isChecked: (value: string) => boolean;
}

function ChoiceGroup(p: ChoiceGroupProps) {
  const name = p.name ?? p.id;
  const k = p.kind;
  return (
    <div class={formGroupClass(p.error)}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(p.id, p.hint, p.error)}>
        <legend class={`govuk-fieldset__legend ${p.legendClass ?? 'govuk-fieldset__legend--s'}`}>
          {p.legend}
        </legend>
        <Hint id={p.id} hint={p.hint} />
        <ErrorMessage id={p.id} text={p.error} />
        <div class={`govuk-${k}${p.small ? ` govuk-${k}--small` : ''}`} data-module={`govuk-${k}`}>
          {p.items.map((item, i) => {
            const id = i === 0 ? p.id : `${p.id}-${i + 1}`;
            return (
              <div class={`govuk-${k}__item`}>
                <input
                  class={`govuk-${k}__input`}
                  id={id}
                  name={name}
                  type={k === 'radios' ? 'radio' : 'checkbox'}
                  value={item.value}
                  checked={p.isChecked(item.value)}
                  aria-describedby={item.hint ? `${id}-item-hint` : undefined}
                />
                <label class={`govuk-label govuk-${k}__label`} for={id}>
                  {item.text}
                </label>
                <Hint id={`${id}-item`} hint={item.hint} class={`govuk-${k}__hint`} />
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Radios(p: RadiosProps) {
  return <ChoiceGroup {...p} kind="radios" isChecked={(v) => p.value === v} />;
}

export interface CheckboxesProps extends Omit<RadiosProps, 'value'> {
  values: readonly string[];
}

export function Checkboxes(p: CheckboxesProps) {
  return <ChoiceGroup {...p} kind="checkboxes" isChecked={(v) => p.values.includes(v)} />;
}
