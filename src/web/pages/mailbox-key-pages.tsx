// A mailbox's OpenPGP key on the council's pages: the key in use (fingerprint in groups of four, where it
// came from, what the checks found) and the page to give one: paste the public key, or have us look it up
// on the council's own domain (WKD, or security.txt's Encryption field). Works without JavaScript.
import type { MailboxKeyView } from '../../features/mailbox-keys/view.js';
import { WarningText } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { SummaryList } from '../components/summary-list.js';
import { Tag } from '../components/tag.js';
import { Textarea } from '../components/textarea.js';

const sourceWords: Record<string, string> = {
  upload: 'Given on this site',
  wkd: 'Found in your Web Key Directory',
  'security-txt': 'Found through your security.txt',
};

function KeyState({ keyView }: { keyView: MailboxKeyView }) {
  if (keyView.problem) return <Tag colour="red">Needs attention</Tag>;
  return keyView.state === 'confirmed' ? (
    <Tag colour="green">In use</Tag>
  ) : (
    <Tag colour="yellow">Waiting for confirmation</Tag>
  );
}

/** A mailbox's keys as summary rows (for the account page's mailbox card and the authority page). */
export function keyRows(keys: readonly MailboxKeyView[] | undefined) {
  if (!keys || keys.length === 0)
    return [{ key: 'Encryption key', value: 'None: TLP:AMBER and TLP:RED advisories are not encrypted' }];
  return keys.map((k) => ({
    key: k.state === 'confirmed' ? 'Encryption key' : 'New encryption key',
    value: (
      <>
        <code class="app-break-words">{k.fingerprintGrouped}</code> <KeyState keyView={k} />
        {k.problem && <p class="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0">{k.problem}</p>}
      </>
    ),
  }));
}

export const keyPageTitle = (address: string) => `Encryption key for ${address}`;

export interface KeyPageProps {
  csrf: string;
  mailbox: { id: string; address: string };
  keys: MailboxKeyView[];
  value?: string;
  errors: SummaryError[];
}

export function MailboxKeyPage({ csrf, mailbox, keys, value, errors }: KeyPageProps) {
  const base = `/account/mailboxes/${mailbox.id}`;
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back to your council
        </a>
        <ErrorSummary errors={errors} />
        <h1 class="govuk-heading-l app-break-words">{keyPageTitle(mailbox.address)}</h1>
        <p class="govuk-body">
          With an OpenPGP key, advisories marked TLP:AMBER or TLP:RED are sent to this mailbox encrypted to it
          and signed by us. Some TLP:RED advisories are only sent encrypted: without a key, you get a notice
          to sign in and read them here.
        </p>
        {keys.map((k) => (
          <div class="govuk-summary-card">
            <div class="govuk-summary-card__title-wrapper">
              <h2 class="govuk-summary-card__title">
                {k.state === 'confirmed' ? 'The key in use' : 'The key waiting for confirmation'}
              </h2>
            </div>
            <div class="govuk-summary-card__content">
              <SummaryList
                rows={[
                  { key: 'Fingerprint', value: <code class="app-break-words">{k.fingerprintGrouped}</code> },
                  { key: 'State', value: <KeyState keyView={k} /> },
                  { key: 'Where it came from', value: sourceWords[k.source] ?? k.source },
                  { key: 'Expires', value: k.expiresAt ? k.expiresAt.slice(0, 10) : 'Never' },
                  k.problem ? { key: 'What we found', value: k.problem } : null,
                ]}
              />
              {k.state === 'pending' && (
                <p class="govuk-body">
                  We sent a link to {mailbox.address}, encrypted to this key. Open it to start using the key.
                </p>
              )}
              <PostButton action={`${base}/keys/${k.id}/remove`} csrf={csrf} variant="warning">
                Remove this key
              </PostButton>
            </div>
          </div>
        ))}
        <h2 class="govuk-heading-m">Give a key</h2>
        <PostForm action={`${base}/key`} csrf={csrf}>
          <Textarea
            id="key"
            name="key"
            label="The public key"
            hint={
              <>
                Paste the armored public key, starting “-----BEGIN PGP PUBLIC KEY BLOCK-----”. It must have a
                user ID for {mailbox.address}. For example:{' '}
                <code>gpg --armor --export {mailbox.address}</code>
              </>
            }
            rows={8}
            value={value}
            error={errors.find((e) => e.field === 'key')?.text}
          />
          <Button preventDoubleClick>Use this key</Button>
        </PostForm>
        <h2 class="govuk-heading-m">Or look it up on your domain</h2>
        <p class="govuk-body">
          We can fetch the key from your domain’s Web Key Directory, or from the Encryption line of its
          security.txt.
        </p>
        <div class="govuk-button-group">
          <PostForm action={`${base}/key/discover`} csrf={csrf}>
            <input type="hidden" name="source" value="wkd" />
            <Button variant="secondary" preventDoubleClick>
              Look up the Web Key Directory
            </Button>
          </PostForm>
          <PostForm action={`${base}/key/discover`} csrf={csrf}>
            <input type="hidden" name="source" value="security-txt" />
            <Button variant="secondary" preventDoubleClick>
              Look up security.txt
            </Button>
          </PostForm>
        </div>
        <WarningText>
          A new key is used only once someone opens the link we send to {mailbox.address}, encrypted to it.
        </WarningText>
      </div>
    </div>
  );
}
