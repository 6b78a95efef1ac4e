// The compose form: title, summary, Markdown body, severity, TLP label, CVEs, references, audience and
// test mode, with the GOV.UK error pattern. Saving makes a draft; nothing is sent from here.
import { severities } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { CsrfField } from '../components/bits.js';
import { describedBy, ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { Radios } from '../components/radios.js';
import { TextInput } from '../components/text-input.js';
import { Textarea } from '../components/textarea.js';
import { Checkboxes, severityText, tlpMeanings } from './advisory-bits.js';
import { summaryOf } from './render.js';

export const composeTitle = 'Write an advisory';
export const composeFieldOrder = [
  'title',
  'summary',
  'body',
  'severity',
  'tlp',
  'cves',
  'references',
  'audience',
  'nations',
  'warps',
  'types',
  'authorities',
  'test',
  'testAudience',
];

export interface AdvisoryFormValues {
  title: string;
  summary: string;
  body: string;
  severity: string;
  tlp: string;
  /** One per line, as typed. */
  cves: string;
  references: string;
  all: boolean;
  nations: string[];
  warps: string[];
  types: string[];
  /** Register codes, as typed (lines, spaces or commas). */
  authorities: string;
  test: boolean;
  testAudience: string;
}

export const emptyAdvisoryValues: AdvisoryFormValues = {
  title: '',
  summary: '',
  body: '',
  severity: '',
  tlp: '',
  cves: '',
  references: '',
  all: false,
  nations: [],
  warps: [],
  types: [],
  authorities: '',
  test: false,
  testAudience: '',
};

export interface AdvisoryFormChoices {
  nations: string[];
  /** The WARPs an admin can address; empty for a WARP operator (who addresses its own members only). */
  warps: Array<{ id: string; name: string }>;
  types: Array<{ code: string; name: string }>;
  testAudiences: string[];
  /** A WARP operator's own WARP. */
  ownWarp: { id: string; name: string } | null;
}

export interface AdvisoryFormProps {
  csrf: string;
  values: AdvisoryFormValues;
  errors: Record<string, string>;
  choices: AdvisoryFormChoices;
}

function TestAudienceSelect({
  values,
  error,
  names,
}: {
  values: AdvisoryFormValues;
  error?: string;
  names: string[];
}) {
  const hint = names.length
    ? 'Test mode sends only to this list of addresses, never to councils'
    : 'There are no test audiences you can use yet. Create one with PUT /api/v1/test-audiences/{name}.';
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <label class="govuk-label" for="testAudience">
        Test audience
      </label>
      <div id="testAudience-hint" class="govuk-hint">
        {hint}
      </div>
      <ErrorMessage id="testAudience" text={error} />
      <select
        class={`govuk-select${error ? ' govuk-select--error' : ''}`}
        id="testAudience"
        name="testAudience"
        aria-describedby={describedBy('testAudience', hint, error)}
      >
        <option value="">Choose a test audience</option>
        {names.map((n) => (
          <option value={n} selected={values.testAudience === n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}

export function AdvisoryForm({ csrf, values, errors, choices }: AdvisoryFormProps) {
  const allText = choices.ownWarp ? `All councils in ${choices.ownWarp.name}` : 'All councils';
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={summaryOf(errors, composeFieldOrder)} />
        <h1 class="govuk-heading-l">{composeTitle}</h1>
        <p class="govuk-body">
          Saving makes a draft. Nothing is sent until the advisory is released
          {choices.ownWarp
            ? ''
            : ', and a second administrator approves it when it reaches more than one WARP or is TLP:RED'}
          .
        </p>
        <form method="post" action="/advisories/new" novalidate>
          <CsrfField token={csrf} />
          <TextInput
            id="title"
            label="Title"
            hint="Up to 200 characters, on one line"
            value={values.title}
            error={errors.title}
          />
          <Textarea
            id="summary"
            label="Summary"
            hint="One or two sentences on one line: what it is and what to do. Up to 1,000 characters."
            value={values.summary}
            error={errors.summary}
            rows={3}
          />
          <Textarea
            id="body"
            label="Body"
            hint="Markdown: headings, lists, links and code. HTML is shown as text. Up to 100 KB."
            value={values.body}
            error={errors.body}
            rows={15}
          />
          <Radios
            id="severity"
            legend="Severity"
            legendClass="govuk-fieldset__legend--m"
            items={severities.map((s) => ({ value: s, text: severityText[s] ?? s }))}
            value={values.severity}
            error={errors.severity}
            small
          />
          <Radios
            id="tlp"
            legend="Traffic Light Protocol (TLP) label"
            legendClass="govuk-fieldset__legend--m"
            hint="Who recipients may share it with (FIRST TLP 2.0). The label goes in the subject line and before the content."
            items={tlpLabels.map((t) => ({ value: t, text: `TLP:${t}`, hint: tlpMeanings[t] }))}
            value={values.tlp}
            error={errors.tlp}
          />
          <Textarea
            id="cves"
            label="CVE ids (optional)"
            hint="One per line, like CVE-2026-12345"
            value={values.cves}
            error={errors.cves}
            rows={3}
          />
          <Textarea
            id="references"
            label="References (optional)"
            hint="Web addresses, one per line, starting https://"
            value={values.references}
            error={errors.references}
            rows={3}
          />

          <h2 class="govuk-heading-m">Who it is for</h2>
          <p class="govuk-body">
            Tick any values in a group to include them; ticking in more than one group narrows the audience
            (for example, Wales and Unitary authority means Welsh unitary authorities). Councils you list by
            code are always included.
          </p>
          <Checkboxes
            id="audience"
            name="all"
            legend="Everyone"
            items={[{ value: 'yes', text: allText }]}
            values={values.all ? ['yes'] : []}
            error={errors.audience}
          />
          {choices.nations.length > 0 && (
            <Checkboxes
              id="nations"
              name="nations"
              legend="Nations"
              items={choices.nations.map((n) => ({ value: n, text: n }))}
              values={values.nations}
              error={errors.nations}
              small
            />
          )}
          {choices.warps.length > 0 && (
            <Checkboxes
              id="warps"
              name="warps"
              legend="WARPs"
              items={choices.warps.map((w) => ({ value: w.id, text: w.name }))}
              values={values.warps}
              error={errors.warps}
              small
            />
          )}
          {choices.types.length > 0 && (
            <Checkboxes
              id="types"
              name="types"
              legend="Council types"
              items={choices.types.map((t) => ({ value: t.code, text: `${t.name} (${t.code})` }))}
              values={values.types}
              error={errors.types}
              small
            />
          )}
          <Textarea
            id="authorities"
            label="Councils by register code (optional)"
            hint="Codes such as CRF or NWP, separated by spaces, commas or lines"
            value={values.authorities}
            error={errors.authorities}
            rows={3}
          />

          <h2 class="govuk-heading-m">Test mode</h2>
          <Checkboxes
            id="test"
            name="test"
            legend="Is this a test?"
            items={[
              {
                value: 'yes',
                text: 'Test mode: send it only to a test audience',
                hint: 'It is marked [TEST] and no council receives it.',
              },
            ]}
            values={values.test ? ['yes'] : []}
            error={errors.test}
          />
          <TestAudienceSelect values={values} error={errors.testAudience} names={choices.testAudiences} />

          <button
            type="submit"
            class="govuk-button"
            data-module="govuk-button"
            data-prevent-double-click="true"
          >
            Save as a draft
          </button>
        </form>
      </div>
    </div>
  );
}
