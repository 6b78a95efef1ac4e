// A council's out-of-hours mobiles on its account page: the section that lists them, the form that adds
// one, the page where the texted code is typed, and removing one (asked first).
import { ukDateTime } from '../../domain/uk-time.js';
import type { MobileView } from '../../features/mobiles/view.js';
import { WarningText } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { ErrorSummary } from '../components/error-summary.js';
import { SummaryList } from '../components/summary-list.js';
import { Tag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { summaryOf } from './render.js';

const stateTag = (m: MobileView) =>
  m.unreachableAt ? (
    <Tag colour="red">Cannot take texts</Tag>
  ) : m.state === 'confirmed' ? (
    <Tag colour="green">Confirmed</Tag>
  ) : (
    <Tag colour="yellow">Waiting for the code</Tag>
  );

export function MobilesSection({ mobiles, csrf }: { mobiles: MobileView[]; csrf: string }) {
  return (
    <div id="mobiles">
      <h2 class="govuk-heading-m">Out-of-hours mobile</h2>
      <p class="govuk-body">
        If your council’s e-mail is down (after a cyber attack, say), we text this phone when an urgent
        advisory is waiting, with a link to acknowledge it. A text never holds the advisory itself.
      </p>
      {mobiles.length === 0 && (
        <WarningText>
          Your council has no out-of-hours mobile: if your mail is down, we cannot reach you another way.
        </WarningText>
      )}
      {mobiles.map((m) => (
        <div class="govuk-summary-card" id={`mobile-${m.id}`}>
          <div class="govuk-summary-card__title-wrapper">
            <h3 class="govuk-summary-card__title">{m.display}</h3>
          </div>
          <div class="govuk-summary-card__content">
            <SummaryList
              rows={[
                { key: 'Whose phone', value: m.label },
                { key: 'State', value: stateTag(m) },
                { key: 'Confirmed', value: m.confirmedAt ? ukDateTime(new Date(m.confirmedAt)) : 'Not yet' },
                m.unreachableReason ? { key: 'Why it cannot take texts', value: m.unreachableReason } : null,
              ]}
            />
            {m.state === 'pending' && (
              <div class="app-button-row">
                <Button href={`/account/mobiles/${m.id}/code`}>
                  Enter the code<span class="govuk-visually-hidden"> for {m.display}</span>
                </Button>
                <PostButton action={`/account/mobiles/${m.id}/resend`} csrf={csrf} variant="secondary">
                  Text a new code<span class="govuk-visually-hidden"> to {m.display}</span>
                </PostButton>
              </div>
            )}
            <p class="govuk-body">
              <a class="govuk-link app-link--destructive" href={`/account/mobiles/${m.id}/remove`}>
                Remove<span class="govuk-visually-hidden"> {m.display}</span>
              </a>
            </p>
          </div>
        </div>
      ))}
      <Button href="/account/mobiles/new" variant="secondary">
        Add an out-of-hours mobile
      </Button>
    </div>
  );
}

export const addMobileTitle = 'Add an out-of-hours mobile';

export function AddMobileForm({
  csrf,
  values,
  errors,
}: {
  csrf: string;
  values: { number: string; label: string };
  errors: Record<string, string>;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back to your council
        </a>
        <ErrorSummary errors={summaryOf(errors, ['number', 'label'])} />
        <h1 class="govuk-heading-l">{addMobileTitle}</h1>
        <p class="govuk-body">
          A phone your security team answers out of hours, such as a duty phone that is handed on. We text it
          a code to check the number.
        </p>
        <PostForm action="/account/mobiles" csrf={csrf}>
          <TextInput
            id="number"
            type="tel"
            label="UK mobile number"
            hint="For example, 07700 900123"
            value={values.number}
            error={errors.number}
            autocomplete="tel"
            widthClass="govuk-input--width-20"
          />
          <TextInput
            id="label"
            label="Whose phone is it?"
            hint="A role, not a person’s name, for example “Out-of-hours duty officer”"
            value={values.label}
            error={errors.label}
            maxlength={100}
          />
          <div class="govuk-button-group">
            <Button preventDoubleClick>Text a code to this phone</Button>
            <a class="govuk-link" href="/account">
              Cancel
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}

export const codeTitle = (display: string) => `Enter the code we texted to ${display}`;

export function MobileCodeForm({
  csrf,
  mobile,
  error,
}: {
  csrf: string;
  mobile: MobileView;
  error?: string;
}) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back to your council
        </a>
        <ErrorSummary errors={error ? [{ field: 'code', text: error }] : []} />
        <h1 class="govuk-heading-l">{codeTitle(mobile.display)}</h1>
        <PostForm action={`/account/mobiles/${mobile.id}/code`} csrf={csrf}>
          <TextInput
            id="code"
            label="Code"
            hint="The 6-digit code in the text message. It expires after a few minutes."
            error={error}
            inputmode="numeric"
            autocomplete="one-time-code"
            spellcheck={false}
            widthClass="govuk-input--width-5"
          />
          <Button preventDoubleClick>Confirm the number</Button>
        </PostForm>
        <PostForm action={`/account/mobiles/${mobile.id}/resend`} csrf={csrf}>
          <p class="govuk-body">Not received it?</p>
          <Button variant="secondary">Text a new code</Button>
        </PostForm>
      </div>
    </div>
  );
}

export const removeMobileTitle = (display: string) => `Are you sure you want to remove ${display}?`;

export function RemoveMobilePage({ csrf, mobile }: { csrf: string; mobile: MobileView }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <a class="govuk-back-link" href="/account">
          Back
        </a>
        <h1 class="govuk-heading-l">{removeMobileTitle(mobile.display)}</h1>
        <p class="govuk-body">
          We will not text it again. To use it again, add it again and confirm a new code.
        </p>
        <PostForm action={`/account/mobiles/${mobile.id}/remove`} csrf={csrf}>
          <div class="govuk-button-group">
            <Button variant="warning" preventDoubleClick>
              Remove the number
            </Button>
            <a class="govuk-link" href="/account">
              No, keep it
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}
