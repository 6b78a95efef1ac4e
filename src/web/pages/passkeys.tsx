// A staff member's account page: their passkeys (name, added, last used) with rename and remove as plain
// forms, and adding one or signing in with one, the only parts that need JavaScript (the WebAuthn ceremony,
// run by /passkeys.js). An admin not yet signed in with a passkey lands here: to register their first, or
// to sign in with the one they have.
import { ukDateTime } from '../../domain/uk-time.js';
import type { PasskeyView } from '../../features/passkeys/manage-passkeys.js';
import { SuccessBanner, WarningText } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Table } from '../components/table.js';
import { TextInput } from '../components/text-input.js';

export const staffAccountTitle = 'Your account';

/** What the admin rule asks of this session first, if anything. */
export type PasskeyStep = 'none' | 'enrol' | 'sign-in';

export interface StaffAccountProps {
  csrf: string;
  name: string;
  address: string;
  role: 'admin' | 'warp';
  passkeys: PasskeyView[];
  step: PasskeyStep;
  /** Whether this session may add a passkey (the first one, or more once signed in with one). */
  canAdd: boolean;
  errors: SummaryError[];
  done?: string;
}

/** Shown instead of a ceremony's button when the browser runs no script; hidden by /passkeys.js. */
function NeedsScript({ what }: { what: string }) {
  return (
    <p class="govuk-body" data-passkey-no-script>
      {what} needs JavaScript in this browser. Everything else on this service works without it.
    </p>
  );
}

/** The error a failed ceremony shows (filled in by /passkeys.js). */
function CeremonyError({ id }: { id: string }) {
  return <p class="govuk-error-message" id={id} data-passkey-error hidden />;
}

export function PasskeySignInButton({
  csrf,
  label = 'Sign in with a passkey',
}: {
  csrf: string;
  label?: string;
}) {
  return (
    <div>
      <NeedsScript what="Signing in with a passkey" />
      <div data-passkey-ceremony hidden>
        <CeremonyError id="passkey-sign-in-error" />
        <Button type="button" data={{ 'passkey-sign-in': 'true', csrf }}>
          {label}
        </Button>
      </div>
    </div>
  );
}

export function StaffAccountPage(p: StaffAccountProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={p.errors} />
        {p.done && <SuccessBanner>{p.done}</SuccessBanner>}
        <span class="govuk-caption-l">
          {p.role === 'admin' ? 'NCSC administrator' : 'WARP operator'}: {p.name}
        </span>
        <h1 class="govuk-heading-l">{staffAccountTitle}</h1>
        {p.step === 'enrol' && (
          <WarningText>
            Administrators must have a passkey. Register one now: you can use the service once it is done.
          </WarningText>
        )}
        {p.step === 'sign-in' && (
          <>
            <WarningText>
              Administrators sign in with their passkey. Sign in with yours to go on; the e-mailed link is not
              enough on its own.
            </WarningText>
            <PasskeySignInButton csrf={p.csrf} />
            <p class="govuk-body">
              Lost the device your passkey was on? Ask another administrator to clear your passkeys (
              <code>npm run cli -- staff clear-passkeys &lt;address&gt;</code>), then sign in with a link and
              register a new one.
            </p>
          </>
        )}
        <h2 class="govuk-heading-m">Your passkeys</h2>
        <p class="govuk-body">
          A passkey lets you sign in with your device’s screen lock or a security key, instead of waiting for
          an e-mailed link. It cannot be phished: it only works on this service.
        </p>
        <Table
          caption="Your passkeys"
          hiddenCaption
          stack
          columns={['Name', 'Added', 'Last used', 'Actions']}
          empty="You have no passkeys yet."
          rows={p.passkeys.map((k) => [
            <span class="app-break-words">{k.name}</span>,
            ukDateTime(k.createdAt),
            k.lastUsedAt ? ukDateTime(k.lastUsedAt) : 'Not yet',
            p.step === 'none' ? (
              <ul class="govuk-summary-list__actions-list">
                <li class="govuk-summary-list__actions-list-item">
                  <a class="govuk-link" href={`/account/passkeys/${encodeURIComponent(k.id)}/rename`}>
                    Rename<span class="govuk-visually-hidden"> {k.name}</span>
                  </a>
                </li>
                <li class="govuk-summary-list__actions-list-item">
                  <a
                    class="govuk-link app-link--destructive"
                    href={`/account/passkeys/${encodeURIComponent(k.id)}/remove`}
                  >
                    Remove<span class="govuk-visually-hidden"> {k.name}</span>
                  </a>
                </li>
              </ul>
            ) : (
              'After you sign in with a passkey'
            ),
          ])}
        />
        {p.canAdd && (
          <>
            <h2 class="govuk-heading-m">Add a passkey</h2>
            <NeedsScript what="Registering a passkey" />
            <form data-passkey-register data-csrf={p.csrf} hidden novalidate>
              <CeremonyError id="passkey-register-error" />
              <TextInput
                id="passkey-name"
                name="name"
                label="Name it"
                hint="So you know which one it is, like “Work laptop” or “Security key”"
                maxlength={60}
                autocomplete="off"
              />
              <Button>Add a passkey</Button>
            </form>
          </>
        )}
      </div>
    </div>
  );
}

export const renamePasskeyTitle = (name: string) => `Rename the passkey “${name}”`;

export function RenamePasskeyPage({
  csrf,
  passkey,
  value,
  error,
}: {
  csrf: string;
  passkey: PasskeyView;
  value: string;
  error?: string;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back to your account
        </a>
        <ErrorSummary errors={error ? [{ field: 'name', text: error }] : []} />
        <h1 class="govuk-heading-l app-break-words">{renamePasskeyTitle(passkey.name)}</h1>
        <PostForm action={`/account/passkeys/${encodeURIComponent(passkey.id)}/rename`} csrf={csrf}>
          <TextInput
            id="name"
            label="New name"
            value={value}
            error={error}
            maxlength={60}
            autocomplete="off"
          />
          <div class="govuk-button-group">
            <Button preventDoubleClick>Save the name</Button>
            <a class="govuk-link" href="/account">
              Cancel
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}

export const removePasskeyTitle = (name: string) => `Remove the passkey “${name}”?`;

export function RemovePasskeyPage({ csrf, passkey }: { csrf: string; passkey: PasskeyView }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back to your account
        </a>
        <h1 class="govuk-heading-l app-break-words">{removePasskeyTitle(passkey.name)}</h1>
        <p class="govuk-body">
          It will not sign you in again. Remove it from the device too (its settings, or your password
          manager).
        </p>
        <PostForm action={`/account/passkeys/${encodeURIComponent(passkey.id)}/remove`} csrf={csrf}>
          <div class="govuk-button-group">
            <Button variant="warning" preventDoubleClick>
              Remove the passkey
            </Button>
            <a class="govuk-link" href="/account">
              Cancel
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}
