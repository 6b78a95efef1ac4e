// The page for a confirmation or sign-in link that cannot be used: what went wrong and what to do next.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../deps.js';
import { renderPage } from './render.js';

export type LinkPurpose = 'confirm' | 'sign-in' | 'handover';
export type LinkProblemState = 'expired' | 'used' | 'unknown' | 'not-pending';

export interface LinkProblemProps {
  purpose: LinkPurpose;
  state: LinkProblemState;
  /** For a confirmation link that is not pending: the mailbox's state now. */
  mailboxState?: string;
}

export function linkProblemStatus(state: LinkProblemState): ContentfulStatusCode {
  if (state === 'expired' || state === 'used') return 410;
  if (state === 'not-pending') return 409;
  return 404;
}

export function linkProblemTitle({ purpose, state, mailboxState }: LinkProblemProps): string {
  if (purpose === 'handover' && state === 'not-pending')
    return mailboxState === 'confirmed'
      ? 'The new address has already taken over'
      : 'This change is no longer waiting for an answer';
  if (state === 'expired') return 'This link has expired';
  if (state === 'used') return 'This link has already been used';
  if (state === 'not-pending')
    return mailboxState === 'confirmed'
      ? 'This mailbox is already confirmed'
      : 'This mailbox is no longer registered';
  return 'This link is not recognised';
}

function NextSteps({ purpose, state, mailboxState }: LinkProblemProps) {
  if (purpose === 'sign-in') {
    return (
      <>
        {state === 'expired' && <p class="govuk-body">Sign-in links only work for a short time.</p>}
        {state === 'used' && <p class="govuk-body">Each sign-in link works once.</p>}
        {state === 'unknown' && (
          <p class="govuk-body">
            Check that you copied the whole link from the e-mail, with nothing added to it.
          </p>
        )}
        <p class="govuk-body">
          <a class="govuk-link" href="/sign-in">
            Ask for a new sign-in link
          </a>
        </p>
      </>
    );
  }
  if (purpose === 'handover') return <HandoverNextSteps state={state} mailboxState={mailboxState} />;
  if (state === 'not-pending' && mailboxState === 'confirmed')
    return <p class="govuk-body">You do not need to do anything else. The mailbox receives advisories.</p>;
  if (state === 'not-pending')
    return (
      <p class="govuk-body">
        It was removed, or an administrator refused it. To add a mailbox,{' '}
        <a class="govuk-link" href="/register">
          register it again
        </a>
        .
      </p>
    );
  return (
    <>
      {state === 'expired' && <p class="govuk-body">Confirmation links only work for a few days.</p>}
      {state === 'used' && (
        <p class="govuk-body">
          If you or someone in your team followed it, the mailbox is confirmed and you do not need to do
          anything else.
        </p>
      )}
      {state === 'unknown' && (
        <p class="govuk-body">
          Check that you copied the whole link from the e-mail, with nothing added to it.
        </p>
      )}
      <p class="govuk-body">
        To get a new link,{' '}
        <a class="govuk-link" href="/register">
          register the mailbox again
        </a>{' '}
        with the same details, or{' '}
        <a class="govuk-link" href="/sign-in">
          sign in
        </a>{' '}
        and send the confirmation again.
      </p>
    </>
  );
}

function HandoverNextSteps({ state, mailboxState }: Omit<LinkProblemProps, 'purpose'>) {
  const answered =
    mailboxState === 'confirmed'
      ? 'Someone agreed to the change, an administrator approved it, or nobody refused it in time.'
      : mailboxState === 'refused'
        ? 'The new address was refused: it receives nothing.'
        : 'Another address became the council’s primary mailbox meanwhile, or the new address was removed.';
  return (
    <>
      {state === 'used' && <p class="govuk-body">Someone already answered with this link.</p>}
      {state === 'expired' && (
        <p class="govuk-body">
          The time to answer has passed: the change happened unless someone refused it.
        </p>
      )}
      {state === 'not-pending' && <p class="govuk-body">{answered}</p>}
      {state === 'unknown' && (
        <p class="govuk-body">
          Check that you copied the whole link from the e-mail, with nothing added to it.
        </p>
      )}
      <p class="govuk-body">
        If you did not expect a change to your council’s primary mailbox,{' '}
        <a class="govuk-link" href="/sign-in">
          sign in
        </a>{' '}
        to see its mailboxes, and tell your council’s IT security team.
      </p>
    </>
  );
}

export function LinkProblem(props: LinkProblemProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{linkProblemTitle(props)}</h1>
        <NextSteps {...props} />
      </div>
    </div>
  );
}

/** Answers with the page, and the status that says what is wrong with the link. */
export function showLinkProblem(c: Context<AppEnv>, props: LinkProblemProps) {
  return renderPage(
    c,
    { title: linkProblemTitle(props), status: linkProblemStatus(props.state) },
    <LinkProblem {...props} />,
  );
}
