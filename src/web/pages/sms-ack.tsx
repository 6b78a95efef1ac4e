// The page behind the link in a text about an urgent advisory: which advisory is waiting for which council
// (its content only when TLP:CLEAR), a button to acknowledge it, and a link to sign in and read it.
import { ukDateTime } from '../../domain/uk-time.js';
import type { SmsAckView } from '../../features/advisories/sms-acknowledge.js';
import { Panel, WarningText } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { SummaryList } from '../components/summary-list.js';
import { TlpTag } from '../components/tag.js';
import { severityText } from './advisory-bits.js';

export function smsAckTitle(v: SmsAckView): string {
  return `Urgent advisory ${v.advisory.reference} for ${v.authority.name}`;
}

function Facts({ view }: { view: SmsAckView }) {
  return (
    <SummaryList
      rows={[
        { key: 'Advisory', value: view.advisory.reference },
        { key: 'Severity', value: severityText[view.advisory.severity] ?? view.advisory.severity },
        { key: 'Council', value: view.authority.name },
        { key: 'Texted to', value: view.phone },
        ...(view.advisory.title ? [{ key: 'Title', value: view.advisory.title }] : []),
        ...(view.advisory.summary ? [{ key: 'Summary', value: view.advisory.summary }] : []),
      ]}
    />
  );
}

export function SmsAckPage({ view, token }: { view: SmsAckView; token: string }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <p class="govuk-body">
          <TlpTag tlp={view.advisory.tlp} />
        </p>
        <h1 class="govuk-heading-l app-break-words">{smsAckTitle(view)}</h1>
        <p class="govuk-body">
          The NCSC sent your council an urgent security advisory and texted this phone, your council’s
          out-of-hours contact, in case your e-mail is not being read or is down.
        </p>
        <Facts view={view} />
        {view.advisory.title === null && (
          <WarningText>
            This advisory is TLP:{view.advisory.tlp}: its content is not shown here. Read it in your council’s
            security mailbox, or sign in.
          </WarningText>
        )}
        <PostForm action={`/s/${token}`}>
          <Button preventDoubleClick>Acknowledge for {view.authority.name}</Button>
        </PostForm>
        <p class="govuk-body">
          <a class="govuk-link" href="/sign-in">
            Sign in to read the advisory
          </a>
        </p>
      </div>
    </div>
  );
}

export function SmsAckedPage({ view, already }: { view: SmsAckView; already: boolean }) {
  const when = view.acknowledgedAt ? ukDateTime(view.acknowledgedAt) : '';
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        {already ? (
          <h1 class="govuk-heading-l">Already acknowledged</h1>
        ) : (
          <Panel title="Advisory acknowledged">
            {view.advisory.reference} for {view.authority.name}
          </Panel>
        )}
        <p class="govuk-body app-break-words">
          {view.authority.name} acknowledged {view.advisory.reference} on {when} ({view.acknowledgedBy}). Your
          WARP and the NCSC will not chase you about it.
        </p>
        <p class="govuk-body">
          <a class="govuk-link" href="/sign-in">
            Sign in to read the advisory
          </a>
        </p>
      </div>
    </div>
  );
}

export function SmsNoCopyPage({ view }: { view: SmsAckView }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">We could not record it</h1>
        <p class="govuk-body app-break-words">
          {view.advisory.reference} has no copy addressed to {view.authority.name} to acknowledge (its
          mailboxes may have been removed). Tell your WARP or the NCSC that you have seen it.
        </p>
      </div>
    </div>
  );
}
