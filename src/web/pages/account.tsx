// A council's own mailboxes, with resend and remove; and a short home page for WARP staff.
import type { Child } from 'hono/jsx';
import type { MailboxView } from '../../features/mailboxes/view.js';
import { CsrfField, formatDateTime, kindText, StateTag, SuccessBanner } from '../components/bits.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Reachability } from '../components/reachability.js';

export interface AccountProps {
  csrf: string;
  authorityName: string;
  mailboxes: MailboxView[];
  errors: SummaryError[];
  done?: string;
}

function Row({ label, children }: { label: string; children?: Child }) {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">{label}</dt>
      <dd class="govuk-summary-list__value">{children}</dd>
    </div>
  );
}

function MailboxCard({ mailbox, csrf }: { mailbox: MailboxView; csrf: string }) {
  return (
    <div class="govuk-summary-card" id={`mailbox-${mailbox.id}`}>
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title app-break-words">{mailbox.address}</h2>
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">
          <Row label="Kind">{kindText[mailbox.kind] ?? mailbox.kind}</Row>
          <Row label="State">
            <StateTag state={mailbox.state} />
          </Row>
          <Row label="Team">{mailbox.team}</Row>
          <Row label="Phone">{mailbox.phone}</Row>
          <Row label="Confirmed">{mailbox.confirmedAt ? formatDateTime(mailbox.confirmedAt) : 'Not yet'}</Row>
          <Row label="Reachability">
            <Reachability status={mailbox.status} reasons={mailbox.reachability.reasons} />
          </Row>
          {mailbox.reachability.reconfirmDueAt && (
            <Row label="Next re-confirmation">{formatDateTime(mailbox.reachability.reconfirmDueAt)}</Row>
          )}
        </dl>
        <div class="app-button-row">
          {mailbox.state === 'pending' && (
            <form method="post" action={`/account/mailboxes/${mailbox.id}/resend`} novalidate>
              <CsrfField token={csrf} />
              <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
                Send the confirmation again<span class="govuk-visually-hidden"> to {mailbox.address}</span>
              </button>
            </form>
          )}
          <form method="post" action={`/account/mailboxes/${mailbox.id}/retire`} novalidate>
            <CsrfField token={csrf} />
            <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
              Remove<span class="govuk-visually-hidden"> {mailbox.address}</span>
            </button>
          </form>
        </div>
      </div>
    </div>
  );
}

export function AccountPage({ csrf, authorityName, mailboxes, errors, done }: AccountProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {done && <SuccessBanner>{done}</SuccessBanner>}
        <span class="govuk-caption-l">Your council</span>
        <h1 class="govuk-heading-l">{authorityName}</h1>
        <div id="mailboxes">
          {mailboxes.length === 0 ? (
            <p class="govuk-body">Your council has no mailboxes registered.</p>
          ) : (
            mailboxes.map((m) => <MailboxCard mailbox={m} csrf={csrf} />)
          )}
        </div>
        <p class="govuk-body">
          To change a mailbox’s address, register the new address: when it is confirmed, it replaces the old
          one.
        </p>
        <a href="/register" draggable="false" class="govuk-button" data-module="govuk-button">
          Register another mailbox
        </a>
      </div>
    </div>
  );
}
