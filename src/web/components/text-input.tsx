// A GOV.UK text input with its label, hint and inline error; the value is escaped by JSX.
import type { Child } from 'hono/jsx';
import { describedBy, ErrorMessage } from './error-summary.js';

export interface TextInputProps {
  id: string;
  name?: string;
  label: Child;
  /** Render the label as the page's h1 (a one-question page). */
  labelIsHeading?: boolean;
  hint?: Child;
  value?: string;
  error?: string;
  type?: 'text' | 'email' | 'tel' | 'password';
  autocomplete?: string;
  spellcheck?: boolean;
  inputmode?: 'text' | 'email' | 'tel' | 'numeric';
  widthClass?: string;
  list?: string;
  children?: Child;
}

export function TextInput(p: TextInputProps) {
  const label = (
    <label class={`govuk-label${p.labelIsHeading ? ' govuk-label--l' : ''}`} for={p.id}>
      {p.label}
    </label>
  );
  return (
    <div class={`govuk-form-group${p.error ? ' govuk-form-group--error' : ''}`}>
      {p.labelIsHeading ? <h1 class="govuk-label-wrapper">{label}</h1> : label}
      {p.hint ? (
        <div id={`${p.id}-hint`} class="govuk-hint">
          {p.hint}
        </div>
      ) : null}
      <ErrorMessage id={p.id} text={p.error} />
      <input
        class={`govuk-input${p.widthClass ? ` ${p.widthClass}` : ''}${p.error ? ' govuk-input--error' : ''}`}
        id={p.id}
        name={p.name ?? p.id}
        type={p.type ?? 'text'}
        value={p.value ?? ''}
        autocomplete={p.autocomplete}
        spellcheck={p.spellcheck}
        inputmode={p.inputmode}
        list={p.list}
        aria-describedby={describedBy(p.id, p.hint, p.error)}
      />
      {p.children}
    </div>
  );
}
