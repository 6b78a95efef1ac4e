// What a registration led to: check the mailbox for the link, or wait for an administrator.
import { Panel, WarningText } from '../components/bits.js';

export interface RegisterDoneProps {
  state: string;
  address: string;
  authorityName: string;
  warnings: string[];
  signedIn: boolean;
}

export function registerDoneTitle(state: string): string {
  if (state === 'awaiting-approval') return 'Waiting for approval';
  if (state === 'confirmed') return 'The mailbox is already confirmed';
  return 'Check the mailbox';
}

export function RegisterDone({ state, address, authorityName, warnings, signedIn }: RegisterDoneProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <Panel title={registerDoneTitle(state)}>
          {address}
          <br />
          {authorityName}
        </Panel>
        {warnings.map((w) => (
          <WarningText>{w}</WarningText>
        ))}
        <h2 class="govuk-heading-m">What happens next</h2>
        {state === 'awaiting-approval' ? (
          <>
            <p class="govuk-body">
              The address is not on one of the domains we know for {authorityName}, so an administrator at the
              NCSC will check it. Nothing is sent to it until then.
            </p>
            <p class="govuk-body">
              If it is approved, we will send a confirmation link to the mailbox. Someone in your team then
              needs to follow it.
            </p>
          </>
        ) : state === 'confirmed' ? (
          <p class="govuk-body">You do not need to do anything else.</p>
        ) : (
          <>
            <p class="govuk-body">
              {signedIn
                ? 'We have sent a confirmation link to the mailbox.'
                : 'If this address can be registered, a confirmation link is on its way to the mailbox.'}{' '}
              Someone in your team needs to follow it to confirm that the mailbox is read. The link works once
              and expires after a few days.
            </p>
            <p class="govuk-body">The mailbox starts receiving advisories once it is confirmed.</p>
            <p class="govuk-body">
              If the e-mail has not arrived, check the mailbox’s junk folder, or register the mailbox again
              with the same details to get a new link.
            </p>
          </>
        )}
        <p class="govuk-body">
          {signedIn ? (
            <a class="govuk-link" href="/account">
              Go to your council’s mailboxes
            </a>
          ) : (
            <a class="govuk-link" href="/register">
              Register another mailbox
            </a>
          )}
        </p>
      </div>
    </div>
  );
}
