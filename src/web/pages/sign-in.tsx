// The sign-in pages: councils get a link e-mailed to their confirmed mailbox (or use their council's API
// token), staff a link of their own or a passkey; and the page such a link opens.
import type { Child } from 'hono/jsx';
import { WarningText } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ErrorSummary } from '../components/error-summary.js';
import { TextInput } from '../components/text-input.js';
import { PasskeySignInButton } from './passkeys.js';
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
        <h2 class="govuk-heading-m">NCSC and WARP staff with a passkey</h2>
        <p class="govuk-body">
          If you have registered a passkey, sign in with it: no e-mail needed. Administrators sign in with
          their passkey after following their link, if they did not start with it.
        </p>
        <PasskeySignInButton csrf={csrf} />
        <h2 class="govuk-heading-m">Councils with an API token</h2>
        <p class="govuk-body">
          A council’s security team can also sign in with its council’s API token. Staff cannot: they sign in
          as themselves, with their link or passkey.
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
function LinkSignInPage({
  token,
  heading,
  otherBrowser,
  children,
}: {
  token: string;
  heading: string;
  otherBrowser?: boolean;
  children?: Child;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{heading}</h1>
        <p class="govuk-body">{children}</p>
        {otherBrowser ? (
          <>
            <WarningText>
              This link was asked for in another browser. If you did not ask for it yourself just now, do not
              go on: tell your security team.
            </WarningText>
            <p class="govuk-body">
              If you asked for it on another device (opening your council’s mailbox on this one), you can sign
              in here.
            </p>
            <PostForm action={`/sign-in/${token}`}>
              <input type="hidden" name="otherBrowser" value="yes" />
              <Button preventDoubleClick>Sign in on this device</Button>
            </PostForm>
          </>
        ) : (
          <PostButton action={`/sign-in/${token}`} preventDoubleClick>
            Sign in
          </PostButton>
        )}
      </div>
    </div>
  );
}

export const signInLinkTitle = (authorityName: string) => `Sign in to ${authorityName}`;

export function SignInLinkPage({
  token,
  authorityName,
  otherBrowser,
}: {
  token: string;
  authorityName: string;
  otherBrowser?: boolean;
}) {
  return (
    <LinkSignInPage token={token} heading={signInLinkTitle(authorityName)} otherBrowser={otherBrowser}>
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

export const otherBrowserTitle = 'Open this link in the browser you asked for it in';

/** A staff link opened in another browser: it works only where it was asked for; a new one can be sent. */
export function OtherBrowserPage({ csrf, address }: { csrf: string; address: string }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{otherBrowserTitle}</h1>
        <p class="govuk-body">
          A staff sign-in link works only in the browser that asked for it, so that a link forwarded or read
          by someone else cannot sign them in. It has not been used.
        </p>
        <p class="govuk-body">Open it in that browser, or have a new link sent for this one.</p>
        <PostForm action="/sign-in" csrf={csrf}>
          <input type="hidden" name="address" value={address} />
          <Button preventDoubleClick>Send a new link for this browser</Button>
        </PostForm>
      </div>
    </div>
  );
}
