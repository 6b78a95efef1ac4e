// The "Is this e-mail really from us?" pages: the form (upload the .eml, or paste the whole message, or
// give an advisory reference) and the answer in plain words, with the three checks behind it.
import { z } from 'zod';
import { PUBLIC_KEY_PATH } from '../../features/openpgp/service-key.js';
import { safeUrl } from '../../lib/safe-url.js';
import { CsrfField } from '../components/bits.js';
import { Button } from '../components/button.js';
import { ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { formGroupClass, Hint } from '../components/field.js';
import { SummaryList } from '../components/summary-list.js';
import { Tag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { Textarea } from '../components/textarea.js';
import { summaryOf } from './render.js';

export const genuineTitle = 'Check that an e-mail is really from us';
export const genuineFieldOrder = ['file', 'message', 'reference'];

/** What the answer page shows, carried across the redirect. */
export const GenuineResult = z.union([
  z.object({
    kind: z.literal('message'),
    verdict: z.enum(['genuine', 'altered', 'not-sent-by-us', 'cannot-check']),
    checks: z.object({ dkim: z.string().max(20), openpgp: z.string().max(20), sentToAddress: z.boolean() }),
    explanation: z.string().max(1500),
  }),
  z.object({
    kind: z.literal('reference'),
    verdict: z.enum(['issued', 'not-issued']),
    publicUrl: z.string().max(500).nullable(),
    explanation: z.string().max(1500),
  }),
]);
export type GenuineResultValue = z.infer<typeof GenuineResult>;

export interface GenuineFormProps {
  csrf: string;
  errors: Record<string, string>;
  message: string;
  reference: string;
  /** A problem that is no field's (too many checks). */
  problem?: string;
}

export function GenuineForm({ csrf, errors, message, reference, problem }: GenuineFormProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={summaryOf(errors, genuineFieldOrder)} description={problem} />
        <h1 class="govuk-heading-l">{genuineTitle}</h1>
        <p class="govuk-body">
          Criminals send e-mails that look like ours. Before you act on an advisory you were not expecting,
          check it here. We tell you whether we sent that e-mail to the address it came to, and whether it has
          been changed since. We tell you nothing else about it.
        </p>
        <form method="post" action="/genuine" enctype="multipart/form-data" novalidate>
          <CsrfField token={csrf} />
          <input type="hidden" name="check" value="message" />
          <h2 class="govuk-heading-m">Check an e-mail</h2>
          <div class={formGroupClass(errors.file)}>
            <label class="govuk-label" for="file">
              Upload the e-mail
            </label>
            <Hint
              id="file"
              hint="Save the e-mail from your mail program as a file (an .eml file, or “Save as” / “Download message”). Up to 1 MB."
            />
            <ErrorMessage id="file" text={errors.file} />
            <input
              class={errors.file ? 'govuk-file-upload govuk-file-upload--error' : 'govuk-file-upload'}
              id="file"
              name="file"
              type="file"
              accept=".eml,message/rfc822,text/plain"
              aria-describedby={errors.file ? 'file-hint file-error' : 'file-hint'}
            />
          </div>
          <Textarea
            id="message"
            label="Or paste the whole message"
            hint="In your mail program use “Show original” or “View source”, copy all of it, headers included, and paste it here."
            value={message}
            rows={8}
            error={errors.message}
          />
          <Button>Check the e-mail</Button>
        </form>
        <form method="post" action="/genuine" novalidate>
          <CsrfField token={csrf} />
          <input type="hidden" name="check" value="reference" />
          <h2 class="govuk-heading-m">Check an advisory reference</h2>
          <TextInput
            id="reference"
            label="Advisory reference"
            hint="As it appears in the subject, like NCSC-2026-0042"
            value={reference}
            error={errors.reference}
            widthClass="govuk-input--width-20"
            spellcheck={false}
          />
          <Button variant="secondary">Check the reference</Button>
        </form>
        <p class="govuk-body">
          You can also check our advisories’ OpenPGP signatures yourself with{' '}
          <a class="govuk-link" href={PUBLIC_KEY_PATH}>
            our public key
          </a>
          .
        </p>
      </div>
    </div>
  );
}

const verdictWords = {
  genuine: { title: 'This e-mail is genuine', tag: 'Genuine', colour: 'green' },
  altered: { title: 'This e-mail has been changed', tag: 'Altered', colour: 'red' },
  'not-sent-by-us': { title: 'We did not send this e-mail', tag: 'Not sent by us', colour: 'red' },
  'cannot-check': { title: 'We cannot check this e-mail', tag: 'Cannot check', colour: 'yellow' },
  issued: { title: 'We issued this advisory', tag: 'Issued', colour: 'green' },
  'not-issued': { title: 'We have not issued this advisory', tag: 'Not issued by us', colour: 'red' },
} as const;

const dkimWords: Record<string, string> = {
  pass: 'Valid',
  fail: 'Does not match',
  none: 'None of ours',
  unknown: 'Could not be checked',
};
const pgpWords: Record<string, string> = {
  pass: 'Valid',
  fail: 'Does not match',
  'not-ours': 'Made with a key that is not ours',
  none: 'Not signed',
  encrypted: 'Encrypted: your mail program checks it',
  'no-key': 'Could not be checked',
};

export function GenuineAnswer({ result }: { result: GenuineResultValue }) {
  const words = verdictWords[result.verdict];
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{words.title}</h1>
        <p class="govuk-body">
          <Tag colour={words.colour}>{words.tag}</Tag>
        </p>
        <p class="govuk-body">{result.explanation}</p>
        {result.kind === 'message' && (
          <SummaryList
            rows={[
              { key: 'Sent by us to this address', value: result.checks.sentToAddress ? 'Yes' : 'No' },
              { key: 'Our DKIM signature', value: dkimWords[result.checks.dkim] ?? result.checks.dkim },
              {
                key: 'Our OpenPGP signature',
                value: pgpWords[result.checks.openpgp] ?? result.checks.openpgp,
              },
            ]}
          />
        )}
        {result.kind === 'reference' && result.publicUrl && (
          <p class="govuk-body">
            <a class="govuk-link" href={safeUrl(result.publicUrl)}>
              Read the published advisory
            </a>
          </p>
        )}
        <p class="govuk-body">
          <a class="govuk-link" href="/genuine">
            Check another e-mail or reference
          </a>
        </p>
      </div>
    </div>
  );
}
