// The registration form: council, mailbox address, kind, team and phone, with the GOV.UK error pattern.

import type { CouncilChoice } from '../../features/authority-register/resolve-council.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary } from '../components/error-summary.js';
import { Radios } from '../components/radios.js';
import { TextInput } from '../components/text-input.js';
import { summaryOf } from './render.js';

export const registerTitle = 'Register your council’s cyber security mailbox';
export const registerFieldOrder = ['council', 'authority', 'address', 'kind', 'team', 'phone'];

export interface RegisterValues {
  council: string;
  authority: string;
  address: string;
  kind: string;
  team: string;
  phone: string;
}

export const emptyRegisterValues: RegisterValues = {
  council: '',
  authority: '',
  address: '',
  kind: '',
  team: '',
  phone: '',
};

export interface RegisterFormProps {
  csrf: string;
  values: RegisterValues;
  errors: Record<string, string>;
  /** Several councils matched what was typed: shown as radios. */
  choices: CouncilChoice[];
  /** A council session registers for its own council only. */
  locked: CouncilChoice | null;
  councilNames: string[];
}

const kinds = [
  {
    value: 'primary',
    text: 'Primary',
    hint: 'The mailbox the NCSC and your WARP write to first. Every council needs one.',
  },
  {
    value: 'secondary',
    text: 'Secondary',
    hint: 'Also receives advisories, in case the primary mailbox cannot be reached.',
  },
  {
    value: 'out-of-hours',
    text: 'Out of hours',
    hint: 'Read outside office hours, for incidents that cannot wait.',
  },
];

export function RegisterForm({ csrf, values, errors, choices, locked, councilNames }: RegisterFormProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={summaryOf(errors, registerFieldOrder)} />
        <h1 class="govuk-heading-l">{registerTitle}</h1>
        <p class="govuk-body">
          We will send a link to the mailbox to check that your team reads it. Nothing else is sent to it
          until someone follows the link.
        </p>
        <PostForm action="/register" csrf={csrf}>
          {locked ? (
            <div class="govuk-inset-text">
              You are registering a mailbox for <strong>{locked.name}</strong>.
            </div>
          ) : (
            <>
              <TextInput
                id="council"
                label="Council"
                hint="Enter the council’s name, or its register code such as CRF for Cardiff"
                value={values.council}
                error={errors.council}
                autocomplete="off"
                spellcheck={false}
                list={councilNames.length ? 'council-names' : undefined}
              >
                {councilNames.length ? (
                  <datalist id="council-names">
                    {councilNames.map((name) => (
                      <option value={name} />
                    ))}
                  </datalist>
                ) : null}
              </TextInput>
              {choices.length > 0 && (
                <Radios
                  id="authority"
                  legend="Which council do you mean?"
                  items={choices.map((a) => ({ value: a.code, text: `${a.name} (${a.code})` }))}
                  value={values.authority}
                  error={errors.authority}
                />
              )}
            </>
          )}
          <TextInput
            id="address"
            type="email"
            label="Mailbox address"
            hint="A shared team mailbox on the council’s own domain, like cyber@council.gov.uk. Not a person’s own address."
            value={values.address}
            error={errors.address}
            autocomplete="off"
            spellcheck={false}
          />
          <Radios
            id="kind"
            legend="What is this mailbox for?"
            legendClass="govuk-fieldset__legend--m"
            items={kinds}
            value={values.kind}
            error={errors.kind}
          />
          <TextInput
            id="team"
            label="Team name"
            hint="The team that reads the mailbox, like Cyber Security Team"
            value={values.team}
            error={errors.team}
          />
          <TextInput
            id="phone"
            type="tel"
            label="Team phone number"
            hint="Include the area code, like 029 2087 2000"
            value={values.phone}
            error={errors.phone}
            autocomplete="tel"
            widthClass="govuk-input--width-20"
          />
          <Button preventDoubleClick>Register the mailbox</Button>
        </PostForm>
      </div>
    </div>
  );
}
