// Small GOV.UK pieces the pages share: the CSRF field, panel, warning text, success banner, mailbox kinds.

import type { Child } from 'hono/jsx';
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

/** The GOV.UK "important" notification banner: something the reader must know before going on. */
export function ImportantBanner({ heading, children }: { heading: Child; children?: Child }) {
  return (
    <section
      class="govuk-notification-banner"
      aria-labelledby="important-banner-title"
      data-module="govuk-notification-banner"
    >
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="important-banner-title">
          Important
        </h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{heading}</p>
        {children}
      </div>
    </section>
  );
}

export const kindText: Record<string, string> = {
  primary: 'Primary',
  secondary: 'Secondary',
  'out-of-hours': 'Out of hours',
};

/** A phone number people can call from the page (`tel:` with its digits only: nothing else gets in). */
export function PhoneLink({ phone }: { phone: string }) {
  return (
    <a class="govuk-link app-nowrap" href={`tel:${phone.replace(/[^+\d]/g, '')}`}>
      {phone}
    </a>
  );
}
