// Small GOV.UK pieces the pages share: the CSRF field, panel, warning text, success banner, state tag.

import type { Child } from 'hono/jsx';
import { ukDateTime } from '../../domain/uk-time.js';
import { CSRF_FIELD } from '../../middleware/csrf.js';

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

export function Panel({ title, children }: { title: string; children?: Child }) {
  return (
    <div class="govuk-panel govuk-panel--confirmation">
      <h1 class="govuk-panel__title">{title}</h1>
      {children ? <div class="govuk-panel__body">{children}</div> : null}
    </div>
  );
}

export function WarningText({ children }: { children?: Child }) {
  return (
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Warning</span>
        {children}
      </strong>
    </div>
  );
}

export function SuccessBanner({ title = 'Success', children }: { title?: string; children?: Child }) {
  return (
    <div
      class="govuk-notification-banner govuk-notification-banner--success"
      role="alert"
      aria-labelledby="govuk-notification-banner-title"
      data-module="govuk-notification-banner"
    >
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">
          {title}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{children}</p>
      </div>
    </div>
  );
}

const tagColour: Record<string, string> = {
  confirmed: 'govuk-tag--green',
  pending: 'govuk-tag--yellow',
  'awaiting-approval': 'govuk-tag--orange',
  retired: 'govuk-tag--grey',
  refused: 'govuk-tag--red',
};

const stateText: Record<string, string> = {
  confirmed: 'Confirmed',
  pending: 'Waiting for confirmation',
  'awaiting-approval': 'Waiting for approval',
  retired: 'Removed',
  refused: 'Refused',
};

export function StateTag({ state }: { state: string }) {
  return <strong class={`govuk-tag ${tagColour[state] ?? ''}`}>{stateText[state] ?? state}</strong>;
}

export const kindText: Record<string, string> = {
  primary: 'Primary',
  secondary: 'Secondary',
  'out-of-hours': 'Out of hours',
};

/** A date and time as people in the UK read it, e.g. "30 November 2026 at 9:00am"; '' when there is none. */
export function formatDateTime(iso: string | Date | null | undefined): string {
  return iso ? ukDateTime(iso) : '';
}
