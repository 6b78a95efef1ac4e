// "Advisories from us are signed with OpenPGP key …": the fingerprint councils compare with what their
// mail program shows, where to get the key, and how (Web Key Directory). Nothing when no key is set.
import type { OpenPgpKeys } from '../../mail/openpgp-keys.js';

/** A fingerprint as people read it aloud: ten groups of four hex digits. */
export const groupedFingerprint = (fingerprint: string) =>
  fingerprint.match(/.{1,4}/g)?.join(' ') ?? fingerprint;

export function SigningKeyNotice({ keys, keyUrl }: { keys: OpenPgpKeys | null; keyUrl: string }) {
  if (!keys) return null;
  return (
    <>
      <h2 class="govuk-heading-m">Checking an advisory is from us</h2>
      <p class="govuk-body">
        Advisories from us are signed with OpenPGP key{' '}
        <code class="app-fingerprint" data-fingerprint={keys.fingerprint}>
          {groupedFingerprint(keys.fingerprint)}
        </code>
        . Your mail program can check the signature: an advisory that is not signed with this key is not from
        us, whatever it says.
      </p>
      <p class="govuk-body">
        Get the key from{' '}
        <a class="govuk-link" href={keyUrl}>
          our public key file
        </a>
        , or with GnuPG: <code>gpg --locate-keys {keys.addresses[0]}</code>.
      </p>
    </>
  );
}
