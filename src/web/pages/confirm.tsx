// The confirmation link's pages: what following it will do (one button), and that it is done.

import { ukDateTime } from '../../domain/uk-time.js';
import { kindText, Panel } from '../components/bits.js';
import { PostButton } from '../components/button.js';

export interface ConfirmProps {
  token: string;
  address: string;
  kind: string;
  authorityName: string;
  /** A re-confirmation of a mailbox that is already confirmed. */
  reconfirming: boolean;
}

export function confirmTitle(p: Omit<ConfirmProps, 'token'>): string {
  const kind = (kindText[p.kind] ?? p.kind).toLowerCase();
  return p.reconfirming
    ? `Confirm ${p.address} is still the ${kind} mailbox for ${p.authorityName}`
    : `Confirm ${p.address} as the ${kind} mailbox for ${p.authorityName}`;
}

export function ConfirmPage(p: ConfirmProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l app-break-words">{confirmTitle(p)}</h1>
        <p class="govuk-body">
          {p.reconfirming
            ? 'We check every so often that the mailbox is still read, so that warnings reach someone.'
            : 'Once you confirm, the NCSC and your WARP can send security advisories to this mailbox.'}
        </p>
        <PostButton action={`/confirm/${p.token}`} preventDoubleClick>
          Confirm
        </PostButton>
        <p class="govuk-body">
          If you did not expect this, you do not need to do anything: nothing is sent to the mailbox unless
          someone confirms it.
        </p>
      </div>
    </div>
  );
}

export function ConfirmedPage(p: Omit<ConfirmProps, 'token'> & { handoverDueAt?: Date | null }) {
  const kind = (kindText[p.kind] ?? p.kind).toLowerCase();
  if (p.handoverDueAt) return <AwaitingHandover {...p} handoverDueAt={p.handoverDueAt} />;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <Panel title="Mailbox confirmed">
          {p.address} is the {kind} mailbox for {p.authorityName}
        </Panel>
        <h2 class="govuk-heading-m">What happens next</h2>
        <p class="govuk-body">
          The NCSC and your WARP send security advisories to this mailbox. Each one has a link to say your
          team has read it.
        </p>
        <p class="govuk-body">
          To see or change your council’s mailboxes,{' '}
          <a class="govuk-link" href="/sign-in">
            sign in
          </a>
          .
        </p>
      </div>
    </div>
  );
}

/** A new primary confirmed by its link, waiting for the current primary's consent. */
function AwaitingHandover(p: Omit<ConfirmProps, 'token'> & { handoverDueAt: Date }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <Panel title="Address confirmed">
          {p.address} will replace the primary mailbox for {p.authorityName}
        </Panel>
        <h2 class="govuk-heading-m">What happens next</h2>
        <p class="govuk-body">
          {p.authorityName} already has a confirmed primary mailbox. We have asked it to agree to the change.
        </p>
        <p class="govuk-body">
          This address starts receiving security advisories once the current primary mailbox agrees, or an
          administrator approves the change, or on {ukDateTime(p.handoverDueAt)} if nobody has refused it by
          then. Until then, advisories still go to the current primary mailbox.
        </p>
      </div>
    </div>
  );
}
