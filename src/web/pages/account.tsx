// A council's own mailboxes, with resend and remove; and a short home page for WARP staff.
import { ukDateTime } from '../../domain/uk-time.js';
import type { MailboxView } from '../../features/mailboxes/view.js';
import { kindText, SuccessBanner } from '../components/bits.js';
import { Button, PostButton } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Reachability } from '../components/reachability.js';
import { SummaryList } from '../components/summary-list.js';
import { StatusTag } from '../components/tag.js';

export interface AccountProps {
  csrf: string;
  authorityName: string;
  mailboxes: MailboxView[];
  errors: SummaryError[];
  done?: string;
}

function MailboxCard({ mailbox, csrf }: { mailbox: MailboxView; csrf: string }) {
  const due = mailbox.reachability.reconfirmDueAt;
  return (
    <div class="govuk-summary-card" id={`mailbox-${mailbox.id}`}>
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title app-break-words">{mailbox.address}</h2>
      </div>
      <div class="govuk-summary-card__content">
        <SummaryList
          rows={[
            { key: 'Kind', value: kindText[mailbox.kind] ?? mailbox.kind },
            { key: 'State', value: <StatusTag of="mailboxState" value={mailbox.state} /> },
            { key: 'Team', value: mailbox.team },
            { key: 'Phone', value: mailbox.phone },
            { key: 'Confirmed', value: mailbox.confirmedAt ? ukDateTime(mailbox.confirmedAt) : 'Not yet' },
            {
              key: 'Reachability',
              value: <Reachability status={mailbox.status} reasons={mailbox.reachability.reasons} />,
            },
            due ? { key: 'Next re-confirmation', value: ukDateTime(due) } : null,
          ]}
        />
        <div class="app-button-row">
          {mailbox.state === 'pending' && (
            <PostButton action={`/account/mailboxes/${mailbox.id}/resend`} csrf={csrf} variant="secondary">
              Send the confirmation again<span class="govuk-visually-hidden"> to {mailbox.address}</span>
            </PostButton>
          )}
          <PostButton action={`/account/mailboxes/${mailbox.id}/retire`} csrf={csrf} variant="warning">
            Remove<span class="govuk-visually-hidden"> {mailbox.address}</span>
          </PostButton>
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
        <Button href="/register">Register another mailbox</Button>
      </div>
    </div>
  );
}
