// The handover link's pages, for a council's confirmed primary mailbox asked whether a new address should
// replace it: the question (agree or refuse), and the answer given.
import { ukDateTime } from '../../domain/uk-time.js';
import { Panel } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { SummaryList } from '../components/summary-list.js';

export interface HandoverProps {
  token: string;
  authorityName: string;
  currentAddress: string;
  newAddress: string;
  dueAt: Date | null;
}

export function handoverTitle(p: Pick<HandoverProps, 'newAddress' | 'authorityName'>): string {
  return `Is ${p.newAddress} replacing your primary mailbox for ${p.authorityName}?`;
}

export function HandoverPage(p: HandoverProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l app-break-words">{handoverTitle(p)}</h1>
        <p class="govuk-body">
          Someone confirmed a new address to replace this mailbox as the council’s primary cyber security
          mailbox. The primary mailbox receives every advisory, including those marked TLP:RED.
        </p>
        <SummaryList
          rows={[
            { key: 'Current primary mailbox', value: p.currentAddress },
            { key: 'New address', value: p.newAddress },
            p.dueAt && { key: 'Takes over, unless refused, on', value: ukDateTime(p.dueAt) },
          ]}
        />
        <PostForm action={`/handover/${p.token}`}>
          <input type="hidden" name="answer" value="agree" />
          <Button preventDoubleClick>Yes, hand over now</Button>
        </PostForm>
        <PostForm action={`/handover/${p.token}`}>
          <input type="hidden" name="answer" value="refuse" />
          <Button variant="warning" preventDoubleClick>
            No, we do not recognise it
          </Button>
        </PostForm>
        <p class="govuk-body">
          If you do not recognise the new address, refuse it and tell your council’s IT security team. We tell
          the service’s administrators too.
        </p>
      </div>
    </div>
  );
}

export function HandoverAnsweredPage(p: {
  answer: 'agree' | 'refuse';
  newAddress: string;
  currentAddress: string;
  authorityName: string;
}) {
  if (p.answer === 'agree')
    return (
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <Panel title="Primary mailbox changed">
            {p.newAddress} is now the primary mailbox for {p.authorityName}
          </Panel>
          <p class="govuk-body">
            {p.currentAddress} no longer receives the council’s security advisories. We have told both
            addresses.
          </p>
        </div>
      </div>
    );
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <Panel title="Change refused">
          {p.currentAddress} stays the primary mailbox for {p.authorityName}
        </Panel>
        <p class="govuk-body">
          {p.newAddress} will not receive anything. We have told the service’s administrators. Tell your
          council’s IT security team too: someone who can receive mail on your domain registered it.
        </p>
      </div>
    </div>
  );
}
