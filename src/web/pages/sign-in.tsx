// The sign-in pages: councils get a link e-mailed to their confirmed mailbox, staff use an API token or a
// link of their own; and the page such a link opens.
import type { Child } from 'hono/jsx';
import { Button, PostButton, PostForm } from '../components/button.js';
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
        <p class="govuk-body">
          We e-mail you a link. Following it signs you in; it works once, for a short time.
        </p>
        <PostForm action="/sign-in" csrf={csrf}>
          <TextInput
            id="address"
            type="email"
            label="E-mail address"
            hint={
              <>
                <strong>Council security teams:</strong> your council’s confirmed cyber security mailbox, like
                cyber@council.gov.uk. You can then manage your council’s mailboxes and read the advisories
                sent to it.
                <br />
                <strong>NCSC and WARP staff:</strong> your own work address, the one an administrator added
                you with.
              </>
            }
            value={address}
            error={errors.address}
            autocomplete="email"
            spellcheck={false}
          />
          <Button preventDoubleClick>Send me a sign-in link</Button>
        </PostForm>
        <h2 class="govuk-heading-m">NCSC and WARP staff with an API token</h2>
        <p class="govuk-body">
          Administrators and WARP operators can also sign in with an API token made for them.
        </p>
        <PostForm action="/sign-in/token" csrf={csrf}>
          <TextInput
            id="token"
            type="password"
            label="API token"
            hint="It starts with cct_"
            error={errors.token}
            autocomplete="off"
            spellcheck={false}
          />
          <Button variant="secondary">Sign in with the token</Button>
        </PostForm>
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

/**
 * The page a sign-in link opens: what signing in gives, and one button, so that a mail scanner following
 * the link does not spend it (the POST does).
 */
function LinkSignInPage({ token, heading, children }: { token: string; heading: string; children?: Child }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{heading}</h1>
        <p class="govuk-body">{children}</p>
        <PostButton action={`/sign-in/${token}`} preventDoubleClick>
          Sign in
        </PostButton>
      </div>
    </div>
  );
}

export const signInLinkTitle = (authorityName: string) => `Sign in to ${authorityName}`;

export function SignInLinkPage({ token, authorityName }: { token: string; authorityName: string }) {
  return (
    <LinkSignInPage token={token} heading={signInLinkTitle(authorityName)}>
      You will be able to see and manage {authorityName}’s cyber security mailboxes.
    </LinkSignInPage>
  );
}

export const staffSignInTitle = 'Sign in as staff';

export function StaffSignInLinkPage({ token, name, role }: { token: string; name: string; role: string }) {
  return (
    <LinkSignInPage token={token} heading={staffSignInTitle}>
      You are signing in as {name}, {role === 'admin' ? 'an NCSC administrator' : 'a WARP operator'}. You will
      see the coverage dashboard and the chase list.
    </LinkSignInPage>
  );
}
