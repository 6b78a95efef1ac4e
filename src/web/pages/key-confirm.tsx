// The pages behind the link sent, encrypted, to a mailbox about its new OpenPGP key: what following it will
// do (one button), and that it is done.
import { Panel } from '../components/bits.js';
import { PostButton } from '../components/button.js';

export interface KeyConfirmProps {
  token: string;
  address: string;
  /** Grouped hex. */
  fingerprint: string;
}

export function KeyConfirmPage(p: KeyConfirmProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l app-break-words">Use this encryption key for {p.address}</h1>
        <p class="govuk-body">Check the fingerprint is your key’s:</p>
        <p class="govuk-body">
          <code class="app-break-words">{p.fingerprint}</code>
        </p>
        <p class="govuk-body">
          Once you confirm, advisories marked TLP:AMBER or TLP:RED are sent to this mailbox encrypted to this
          key, and signed by us.
        </p>
        <PostButton action={`/confirm-key/${p.token}`} preventDoubleClick>
          Use this key
        </PostButton>
        <p class="govuk-body">If you did not expect this, do nothing: the key will not be used.</p>
      </div>
    </div>
  );
}

export function KeyConfirmedPage(p: Omit<KeyConfirmProps, 'token'>) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <Panel title="Encryption key confirmed">
          Advisories marked TLP:AMBER or TLP:RED to {p.address} are now encrypted
        </Panel>
        <p class="govuk-body">
          Key fingerprint: <code class="app-break-words">{p.fingerprint}</code>
        </p>
        <p class="govuk-body">
          If the key is revoked or expires, we tell you on your council’s account page and send advisories
          unencrypted (or, where encryption is required, a notice to sign in) until you give a new one.
        </p>
      </div>
    </div>
  );
}
