// A GOV.UK textarea with its label, hint and inline error.
import type { Child } from 'hono/jsx';
import { describedBy, ErrorMessage } from './error-summary.js';

export interface TextareaProps {
  id: string;
  name?: string;
  label: Child;
  hint?: Child;
  value?: string;
  error?: string;
  rows?: number;
}

export function Textarea(p: TextareaProps) {
  return (
    <div class={`govuk-form-group${p.error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label" for={p.id}>
        {p.label}
      </label>
      {p.hint ? (
        <div id={`${p.id}-hint`} class="govuk-hint">
          {p.hint}
        </div>
      ) : null}
      <ErrorMessage id={p.id} text={p.error} />
      <textarea
        class={`govuk-textarea${p.error ? ' govuk-textarea--error' : ''}`}
        id={p.id}
        name={p.name ?? p.id}
        rows={p.rows ?? 3}
        aria-describedby={describedBy(p.id, p.hint, p.error)}
      >
        {p.value ?? ''}
      </textarea>
    </div>
  );
}
