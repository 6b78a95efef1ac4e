// Registrations on domains that are not the council's, for an administrator to approve or refuse.
import type { Child } from 'hono/jsx';
import type { MailboxView } from '../../features/mailboxes/view.js';
import { CsrfField, formatDateTime, kindText, SuccessBanner } from '../components/bits.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Textarea } from '../components/textarea.js';

export const approvalsTitle = 'Registrations waiting for approval';

export interface ApprovalItem {
  mailbox: MailboxView;
  authorityName: string;
  domains: string[];
}

export interface ApprovalsProps {
  csrf: string;
  items: ApprovalItem[];
  errors: SummaryError[];
  /** Field errors by field id (the refuse reasons), and what was typed in them. */
  fieldErrors: Record<string, string>;
  reasons: Record<string, string>;
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

function ApprovalCard({
  item,
  csrf,
  error,
  reason,
}: {
  item: ApprovalItem;
  csrf: string;
  error?: string;
  reason?: string;
}) {
  const { mailbox } = item;
  const domain = mailbox.address.slice(mailbox.address.lastIndexOf('@') + 1);
  return (
    <div class="govuk-summary-card" id={`mailbox-${mailbox.id}`}>
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title">
          {item.authorityName} ({mailbox.authority})
        </h2>
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">
          <Row label="Address">
            <span class="app-break-words">{mailbox.address}</span>
            {mailbox.looksPersonal && (
              <>
                {' '}
                <strong class="govuk-tag govuk-tag--orange">Looks personal</strong>
              </>
            )}
          </Row>
          <Row label="Domain">{domain}</Row>
          <Row label="Council’s known domains">
            {item.domains.length ? (
              <ul class="govuk-list">
                {item.domains.map((d) => (
                  <li>{d}</li>
                ))}
              </ul>
            ) : (
              'None known'
            )}
          </Row>
          <Row label="Kind">{kindText[mailbox.kind] ?? mailbox.kind}</Row>
          <Row label="Team">{mailbox.team}</Row>
          <Row label="Phone">{mailbox.phone}</Row>
          <Row label="Registered">{formatDateTime(mailbox.createdAt)}</Row>
        </dl>
        <form method="post" action={`/admin/approvals/${mailbox.id}/approve`} novalidate>
          <CsrfField token={csrf} />
          <button type="submit" class="govuk-button" data-module="govuk-button">
            Approve<span class="govuk-visually-hidden"> {mailbox.address}</span>
          </button>
        </form>
        <form method="post" action={`/admin/approvals/${mailbox.id}/refuse`} novalidate>
          <CsrfField token={csrf} />
          <Textarea
            id={`reason-${mailbox.id}`}
            name="reason"
            label="Reason for refusing"
            hint="Recorded in the audit log"
            value={reason}
            error={error}
            rows={2}
          />
          <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
            Refuse<span class="govuk-visually-hidden"> {mailbox.address}</span>
          </button>
        </form>
      </div>
    </div>
  );
}

export function ApprovalsPage({ csrf, items, errors, fieldErrors, reasons, done }: ApprovalsProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {done && <SuccessBanner>{done}</SuccessBanner>}
        <h1 class="govuk-heading-l">{approvalsTitle}</h1>
        <p class="govuk-body">
          These addresses are not on one of their council’s known domains. Nothing is sent to them until you
          approve them; approving sends the confirmation link.
        </p>
        <div id="approvals">
          {items.length === 0 ? (
            <p class="govuk-body">There are no registrations waiting for approval.</p>
          ) : (
            items.map((item) => (
              <ApprovalCard
                item={item}
                csrf={csrf}
                error={fieldErrors[`reason-${item.mailbox.id}`]}
                reason={reasons[item.mailbox.id]}
              />
            ))
          )}
        </div>
      </div>
    </div>
  );
}
