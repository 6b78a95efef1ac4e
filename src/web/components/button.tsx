// GOV.UK buttons: a submit button, or a link that looks like one (`role="button"`); primary, secondary,
// warning or start. And the small POST form most buttons sit in, with its CSRF field.
import type { Child } from 'hono/jsx';
import { CsrfField } from './bits.js';

export interface ButtonProps {
  variant?: 'primary' | 'secondary' | 'warning';
  /** The start button (a link, with the arrow), for a service's start page. */
  start?: boolean;
  /** A link styled as a button instead of a submit button. */
  href?: string;
  /** GOV.UK Frontend ignores a second click within a second (a form that must not be sent twice). */
  preventDoubleClick?: boolean;
  /** A submit button's name and value (a form with more than one thing to do). */
  name?: string;
  value?: string;
  /** Classes added to the button's, e.g. `govuk-!-margin-bottom-0`. */
  classes?: string;
  /** `data-*` attributes (the hooks of app.js). */
  data?: Record<string, string>;
  /** A button that submits nothing (its script acts on it), instead of a submit button. */
  type?: 'submit' | 'button';
  children?: Child;
}

function buttonClass({ variant = 'primary', start, classes }: ButtonProps): string {
  const base = start
    ? 'govuk-button govuk-button--start'
    : variant === 'primary'
      ? 'govuk-button'
      : `govuk-button govuk-button--${variant}`;
  return classes ? `${base} ${classes}` : base;
}

const dataAttributes = (data: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));

function StartIcon() {
  return (
    <svg
      class="govuk-button__start-icon"
      xmlns="http://www.w3.org/2000/svg"
      width="17.5"
      height="19"
      viewBox="0 0 33 40"
      aria-hidden="true"
      focusable="false"
    >
      <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
    </svg>
  );
}

export function Button(p: ButtonProps) {
  const doubleClick = p.preventDoubleClick ? 'true' : undefined;
  if (p.href)
    return (
      // biome-ignore lint/a11y/useSemanticElements: GOV.UK Frontend's link button is a link with the button role
      <a
        href={p.href}
        role="button"
        draggable="false"
        class={buttonClass(p)}
        data-module="govuk-button"
        data-prevent-double-click={doubleClick}
        {...dataAttributes(p.data)}
      >
        {p.children}
        {p.start && <StartIcon />}
      </a>
    );
  return (
    <button
      type={p.type ?? 'submit'}
      name={p.name}
      value={p.value}
      class={buttonClass(p)}
      data-module="govuk-button"
      data-prevent-double-click={doubleClick}
      {...dataAttributes(p.data)}
    >
      {p.children}
    </button>
  );
}

/** A POST form; with `csrf`, it carries the session's CSRF field (link-token forms carry none). */
export function PostForm({ action, csrf, children }: { action: string; csrf?: string; children?: Child }) {
  return (
    <form method="post" action={action} novalidate>
      {csrf !== undefined && <CsrfField token={csrf} />}
      {children}
    </form>
  );
}

/** A button that posts a form of its own. */
export function PostButton({ action, csrf, ...button }: ButtonProps & { action: string; csrf?: string }) {
  return (
    <PostForm action={action} csrf={csrf}>
      <Button {...button} />
    </PostForm>
  );
}
