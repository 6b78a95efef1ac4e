// The sign-in page: councils get a link e-mailed to their confirmed mailbox; staff use an API token.
import { CsrfField } from '../components/bits.js';
import { ErrorSummary } from '../components/error-summary.js';
import { TextInput } from '../components/text-input.js';
import { summaryOf } from './render.js';

export const signInTitle = 'Sign in';

export interface SignInProps {
  csrf: string;
  address?: string;
  errors: { address?: string; token?: string };
}

export function SignInPage({ csrf, address, errors }: SignInProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={summaryOf(errors, ['address', 'token'])} />
        <h1 class="govuk-heading-l">{signInTitle}</h1>
        <h2 class="govuk-heading-m">Council: e-mail me a sign-in link</h2>
        <p class="govuk-body">
          We send a link to your council’s confirmed cyber security mailbox. Following it signs you in to
          manage your council’s mailboxes. NCSC and WARP staff added to the service can ask for a link with
          their own address.
        </p>
        <form method="post" action="/sign-in" novalidate>
          <CsrfField token={csrf} />
          <TextInput
            id="address"
            type="email"
            label="Mailbox address"
            hint="The address of your council’s confirmed mailbox, like cyber@council.gov.uk"
            value={address}
            error={errors.address}
            autocomplete="off"
            spellcheck={false}
          />
          <button
            type="submit"
            class="govuk-button"
            data-module="govuk-button"
            data-prevent-double-click="true"
          >
            Send me a sign-in link
          </button>
        </form>
        <h2 class="govuk-heading-m">Staff: sign in with an API token</h2>
        <p class="govuk-body">For NCSC administrators and WARP operators.</p>
        <form method="post" action="/sign-in/token" novalidate>
          <CsrfField token={csrf} />
          <TextInput
            id="token"
            type="password"
            label="API token"
            hint="It starts with cct_"
            error={errors.token}
            autocomplete="off"
            spellcheck={false}
          />
          <button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">
            Sign in with the token
          </button>
        </form>
      </div>
    </div>
  );
}

export function SignInSentPage({ message }: { message: string }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Check your mailbox</h1>
        <p class="govuk-body">{message}</p>
        <p class="govuk-body">
          If nothing arrives in a few minutes, check the mailbox’s junk folder, and check that you gave the
          address of a mailbox that is confirmed.
        </p>
        <p class="govuk-body">
          <a class="govuk-link" href="/sign-in">
            Ask for another link
          </a>
        </p>
      </div>
    </div>
  );
}

export function SignInLinkPage({ token, authorityName }: { token: string; authorityName: string }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">Sign in to {authorityName}</h1>
        <p class="govuk-body">
          You will be able to see and manage {authorityName}’s cyber security mailboxes.
        </p>
        <form method="post" action={`/sign-in/${token}`} novalidate>
          <button
            type="submit"
            class="govuk-button"
            data-module="govuk-button"
            data-prevent-double-click="true"
          >
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
}
