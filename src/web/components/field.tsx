// What every GOV.UK form field shares: the form group (red bar when in error), the label, the hint and the
// inline error, in that order; the control itself comes last.
import type { Child } from 'hono/jsx';
import { describedBy, ErrorMessage } from './error-summary.js';

export function formGroupClass(error?: string, extra?: string): string {
  return ['govuk-form-group', error && 'govuk-form-group--error', extra].filter(Boolean).join(' ');
}

/** The hint under a label or legend, with the id the control's `aria-describedby` names. */
export function Hint({ id, hint, class: extra }: { id: string; hint?: Child; class?: string }) {
  if (!hint) return null;
  return (
    <div id={`${id}-hint`} class={extra ? `govuk-hint ${extra}` : 'govuk-hint'}>
      {hint}
    </div>
  );
}

/** The control's attributes that tie it to its field: id, name (the id unless told), the hint and error. */
export function controlOf(
  kind: 'input' | 'textarea' | 'select',
  p: { id: string; name?: string; hint?: Child; error?: string; widthClass?: string },
) {
  return {
    class: [`govuk-${kind}`, p.widthClass, p.error && `govuk-${kind}--error`].filter(Boolean).join(' '),
    id: p.id,
    name: p.name ?? p.id,
    'aria-describedby': describedBy(p.id, p.hint, p.error),
  };
}

export interface FieldProps {
  id: string;
  label: Child;
  /** Render the label as the page's h1 (a one-question page). */
  labelIsHeading?: boolean;
  hint?: Child;
  error?: string;
  /** Classes added to the form group's. */
  groupClass?: string;
  children?: Child;
}

export function Field(p: FieldProps) {
  const label = (
    <label class={`govuk-label${p.labelIsHeading ? ' govuk-label--l' : ''}`} for={p.id}>
      {p.label}
    </label>
  );
  return (
    <div class={formGroupClass(p.error, p.groupClass)}>
      {p.labelIsHeading ? <h1 class="govuk-label-wrapper">{label}</h1> : label}
      <Hint id={p.id} hint={p.hint} />
      <ErrorMessage id={p.id} text={p.error} />
      {p.children}
    </div>
  );
}
