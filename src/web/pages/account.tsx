// A council's own mailboxes, with resend and remove, and its contact paths; and a short home page for WARP staff.
import { ukDateTime } from '../../domain/uk-time.js';
import type { DeliveryTotals } from '../../features/advisories/delivery-list.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import type { ContactPaths } from '../../features/coverage/contact-paths.js';
import type { LastDrill } from '../../features/coverage/drill-response.js';
import type { MailboxKeyView } from '../../features/mailbox-keys/view.js';
import type { MailboxView } from '../../features/mailboxes/view.js';
import type { MobileView } from '../../features/mobiles/view.js';
import { kindText, SuccessBanner, WarningText } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ContactPathsSummary } from '../components/contact-paths.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Reachability } from '../components/reachability.js';
import { SummaryList } from '../components/summary-list.js';
import { StatusTag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { CouncilAdvisoryList } from './council-advisories.js';
import { keyRows } from './mailbox-key-pages.js';
import { MobilesSection } from './mobile-pages.js';
import { summaryOf } from './render.js';

export interface AccountProps {
  csrf: string;
  authorityName: string;
  authorityCode: string;
  /** The advisories sent to the council, newest first, and what became of them. */
  advisories: AdvisoryView[];
  totals: Map<string, DeliveryTotals>;
  mailboxes: MailboxView[];
  /** The council's out-of-hours mobiles (pending and confirmed). */
  mobiles: MobileView[];
  /** The council's contact paths and its last drill (the section is left out without them). */
  contactPaths?: ContactPaths;
  lastDrill?: LastDrill | null;
  errors: SummaryError[];
  done?: string;
  /** Each mailbox's OpenPGP keys (pending and confirmed). */
  keys?: Map<string, MailboxKeyView[]>;
}

/** A council removes its confirmed primary only by registering a replacement (retireMailbox says the same). */
export const isOnlyPrimary = (m: Pick<MailboxView, 'state' | 'kind'>) =>
  m.state === 'confirmed' && m.kind === 'primary';

function MailboxCard({
  mailbox,
  csrf,
  keys,
}: {
  mailbox: MailboxView;
  csrf: string;
  keys?: MailboxKeyView[];
}) {
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
            ...(mailbox.state === 'confirmed' ? keyRows(keys) : []),
          ]}
        />
        <div class="app-button-row">
          {mailbox.state === 'pending' && (
            <PostButton action={`/account/mailboxes/${mailbox.id}/resend`} csrf={csrf} variant="secondary">
              Send the confirmation again<span class="govuk-visually-hidden"> to {mailbox.address}</span>
            </PostButton>
          )}
        </div>
        {mailbox.state === 'confirmed' && (
          <p class="govuk-body">
            <a class="govuk-link" href={`/account/mailboxes/${mailbox.id}/key`}>
              {keys?.length ? 'Change or remove the encryption key' : 'Give an encryption key'}
              <span class="govuk-visually-hidden"> of {mailbox.address}</span>
            </a>
          </p>
        )}
        <p class="govuk-body">
          <a class="govuk-link" href={`/account/mailboxes/${mailbox.id}/contact`}>
            Change the team name or phone number
            <span class="govuk-visually-hidden"> of {mailbox.address}</span>
          </a>
        </p>
        {isOnlyPrimary(mailbox) ? (
          <p class="govuk-body">
            This is your council’s confirmed primary mailbox. To change it,{' '}
            <a class="govuk-link" href="/register">
              register its replacement
            </a>
            : when the new address is confirmed, it takes over from this one.
          </p>
        ) : (
          <p class="govuk-body">
            <a class="govuk-link app-link--destructive" href={`/account/mailboxes/${mailbox.id}/retire`}>
              Remove<span class="govuk-visually-hidden"> {mailbox.address}</span>
            </a>
          </p>
        )}
      </div>
    </div>
  );
}

export function AccountPage({
  csrf,
  authorityName,
  authorityCode,
  advisories,
  totals,
  mailboxes,
  mobiles,
  contactPaths,
  lastDrill,
  errors,
  done,
  keys,
}: AccountProps) {
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
            mailboxes.map((m) => <MailboxCard mailbox={m} csrf={csrf} keys={keys?.get(m.id)} />)
          )}
        </div>
        <p class="govuk-body">
          To change a mailbox’s address, register the new address: when it is confirmed, it replaces the old
          one.
        </p>
        <Button href="/register">Register another mailbox</Button>
        <MobilesSection mobiles={mobiles} csrf={csrf} />
        {contactPaths && <ContactPathsSummary paths={contactPaths} lastDrill={lastDrill ?? null} />}
        <h2 class="govuk-heading-m">Your mail domains</h2>
        <p class="govuk-body">
          We check your mail domains every day (mail servers, SPF, DMARC, MTA-STS, TLS reporting and
          security.txt).{' '}
          <a class="govuk-link" href={`/authorities/${authorityCode}#checks`}>
            See what we found and what to fix
          </a>
          .
        </p>
        <CouncilAdvisoryList advisories={advisories} totals={totals} />
      </div>
    </div>
  );
}

export const removeTitle = (address: string) => `Are you sure you want to remove ${address}?`;

/** Removing a mailbox, asked first: what it means, and the warning button. */
export function RemoveMailboxPage({
  csrf,
  mailbox,
  back = '/account',
  action = `/account/mailboxes/${mailbox.id}/retire`,
}: {
  csrf: string;
  mailbox: Pick<MailboxView, 'id' | 'address'>;
  /** The page it came from (the council's own, or an authority's page for staff). */
  back?: string;
  action?: string;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href={back}>
          Back
        </a>
        <h1 class="govuk-heading-l app-break-words">{removeTitle(mailbox.address)}</h1>
        <p class="govuk-body">
          Once removed, it receives nothing more from this service: no advisories, no sign-in links. Anyone
          signed in from it is signed out. To use it again, register it again.
        </p>
        <WarningText>You cannot undo this.</WarningText>
        <PostForm action={action} csrf={csrf}>
          <div class="govuk-button-group">
            <Button variant="warning" preventDoubleClick>
              Remove the mailbox
            </Button>
            <a class="govuk-link" href={back}>
              No, keep it
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}

export const contactTitle = (address: string) => `Change the contact details of ${address}`;

/** A mailbox's team name and phone number, changed by its council. */
export function ContactForm({
  csrf,
  mailbox,
  values,
  errors,
}: {
  csrf: string;
  mailbox: Pick<MailboxView, 'id' | 'address'>;
  values: { team: string; phone: string };
  errors: Record<string, string>;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back to your council
        </a>
        <ErrorSummary errors={summaryOf(errors, ['team', 'phone'])} />
        <h1 class="govuk-heading-l app-break-words">{contactTitle(mailbox.address)}</h1>
        <p class="govuk-body">
          NCSC and WARP staff call this number in an incident, and address the team by this name.
        </p>
        <PostForm action={`/account/mailboxes/${mailbox.id}/contact`} csrf={csrf}>
          <TextInput id="team" label="Team name" value={values.team} error={errors.team} maxlength={200} />
          <TextInput
            id="phone"
            type="tel"
            label="Team phone number"
            hint="A number answered in working hours, with its area code, like 029 2087 2000"
            value={values.phone}
            error={errors.phone}
            autocomplete="tel"
            widthClass="govuk-input--width-20"
          />
          <div class="govuk-button-group">
            <Button preventDoubleClick>Save the changes</Button>
            <a class="govuk-link" href="/account">
              Cancel
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}
