// The compose form: title, summary, Markdown body, severity, TLP label, CVEs, references, audience and
// test mode, with the GOV.UK error pattern. Saving makes a draft; nothing is sent from here.
import { severities } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary } from '../components/error-summary.js';
import { Checkboxes, type RadioItem, Radios } from '../components/radios.js';
import { Select } from '../components/select.js';
import { TextInput } from '../components/text-input.js';
import { Textarea } from '../components/textarea.js';
import { severityText, tlpMeanings } from './advisory-bits.js';
import { type AudienceReach, AudienceReachPanel } from './advisory-reach.js';
import { summaryOf } from './render.js';

export const composeTitle = 'Write an advisory';
export const composeFieldOrder = [
  'title',
  'summary',
  'body',
  'severity',
  'urgent',
  'tlp',
  'requireEncryption',
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
  /** Admins only: text a heads-up to the audience's out-of-hours mobiles, as a critical advisory does. */
  urgent: boolean;
  tlp: string;
  /** Admins only, TLP:RED only: mailboxes without a confirmed OpenPGP key get a heads-up instead. */
  requireEncryption: boolean;
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
  urgent: false,
  tlp: '',
  requireEncryption: false,
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
  /** Council types, with the nations each occurs in. */
  types: Array<{ code: string; name: string; nations: string[] }>;
  testAudiences: string[];
  /** A WARP operator's own WARP. */
  ownWarp: { id: string; name: string } | null;
}

/** Where the form posts, and what it is called: writing a new advisory, or editing a draft. */
export interface AdvisoryFormMode {
  action: string;
  heading: string;
  submit: string;
  /** A link back (editing: the draft). */
  back?: string;
}

export const composeMode: AdvisoryFormMode = {
  action: '/advisories/new',
  heading: composeTitle,
  submit: 'Save as a draft',
};

export interface AdvisoryFormProps {
  csrf: string;
  values: AdvisoryFormValues;
  errors: Record<string, string>;
  choices: AdvisoryFormChoices;
  mode?: AdvisoryFormMode;
  /** Who the audience reaches, once counted (the "Update count" button, or on a redisplay). */
  reach?: AudienceReach;
}

type TextField = 'summary' | 'body' | 'cves' | 'references' | 'authorities';

/** The textareas, by field: label, hint and height. */
const textareas: Record<TextField, { label: string; hint: string; rows: number }> = {
  summary: {
    label: 'Summary',
    hint: 'One or two sentences on one line: what it is and what to do. Up to 1,000 characters.',
    rows: 3,
  },
  body: {
    label: 'Body',
    hint: 'Markdown: headings, lists, links and code. HTML is shown as text. Up to 100 KB.',
    rows: 15,
  },
  cves: { label: 'CVE ids (optional)', hint: 'One per line, like CVE-2026-12345', rows: 3 },
  references: {
    label: 'References (optional)',
    hint: 'Web addresses, one per line, starting https://',
    rows: 3,
  },
  authorities: {
    label: 'Councils by register code (optional)',
    hint: 'Codes such as CRF or NWP, separated by spaces, commas or lines',
    rows: 3,
  },
};

/** The audience's groups of checkboxes: each shown when there is something to tick. */
function audienceGroups(
  choices: AdvisoryFormChoices,
): Array<{ id: 'nations' | 'warps' | 'types'; legend: string; items: RadioItem[] }> {
  return [
    { id: 'nations', legend: 'Nations', items: choices.nations.map((n) => ({ value: n, text: n })) },
    { id: 'warps', legend: 'WARPs', items: choices.warps.map((w) => ({ value: w.id, text: w.name })) },
    {
      id: 'types',
      legend: 'Council types',
      items: choices.types.map((t) => ({
        value: t.code,
        text: `${t.name} (${t.code})`,
        hint: t.nations.length === 1 ? `${t.nations[0]} only` : undefined,
      })),
    },
  ];
}

export function AdvisoryForm({
  csrf,
  values,
  errors,
  choices,
  mode = composeMode,
  reach,
}: AdvisoryFormProps) {
  const allText = choices.ownWarp ? `All councils in ${choices.ownWarp.name}` : 'All councils';
  const text = (id: TextField) => (
    <Textarea id={id} {...textareas[id]} value={values[id]} error={errors[id]} />
  );
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        {mode.back && (
          <a class="govuk-back-link" href={mode.back}>
            Back to the draft
          </a>
        )}
        <ErrorSummary errors={summaryOf(errors, composeFieldOrder)} />
        <h1 class="govuk-heading-l">{mode.heading}</h1>
        <p class="govuk-body">
          Saving makes a draft. Nothing is sent until the advisory is released
          {choices.ownWarp
            ? ''
            : ', and a second administrator approves it when it reaches more than one WARP or is TLP:RED'}
          .
        </p>
        <PostForm action={mode.action} csrf={csrf}>
          <TextInput
            id="title"
            label="Title"
            hint="Up to 200 characters, on one line"
            value={values.title}
            error={errors.title}
          />
          {text('summary')}
          {text('body')}
          <Radios
            id="severity"
            legend="Severity"
            legendClass="govuk-fieldset__legend--m"
            items={severities.map((s) => ({ value: s, text: severityText[s] ?? s }))}
            value={values.severity}
            error={errors.severity}
            small
          />
          {choices.ownWarp === null && (
            <Checkboxes
              id="urgent"
              name="urgent"
              legend="Text the councils’ out-of-hours mobiles?"
              legendClass="govuk-fieldset__legend--s"
              items={[
                {
                  value: 'yes',
                  text: 'Urgent: text a heads-up to every confirmed out-of-hours mobile in the audience',
                  hint: 'A critical advisory always does. The text says only that an urgent advisory is waiting, with a link to acknowledge it; never its content.',
                },
              ]}
              values={values.urgent ? ['yes'] : []}
              error={errors.urgent}
              small
            />
          )}
          <Radios
            id="tlp"
            legend="Traffic Light Protocol (TLP) label"
            legendClass="govuk-fieldset__legend--m"
            hint="Who recipients may share it with (FIRST TLP 2.0). The label goes in the subject line and before the content."
            items={tlpLabels.map((t) => ({ value: t, text: `TLP:${t}`, hint: tlpMeanings[t] }))}
            value={values.tlp}
            error={errors.tlp}
          />
          {choices.ownWarp === null && <input type="hidden" name="requireEncryptionAsked" value="yes" />}
          {choices.ownWarp === null && (
            <Checkboxes
              id="requireEncryption"
              name="requireEncryption"
              legend="Send TLP:RED only encrypted?"
              legendClass="govuk-fieldset__legend--s"
              items={[
                {
                  value: 'yes',
                  text: 'Require encryption (TLP:RED only)',
                  hint: 'Mailboxes with a confirmed OpenPGP key get it encrypted; the others get only a notice with its reference and a link to sign in and read it.',
                },
              ]}
              values={values.requireEncryption ? ['yes'] : []}
              error={errors.requireEncryption}
              small
            />
          )}
          {text('cves')}
          {text('references')}

          <h2 class="govuk-heading-m">Who it is for</h2>
          <p class="govuk-body">
            Tick any values in a group to include them; ticking in more than one group narrows the audience
            (for example, England and County means English county councils). Councils you list by code are
            always included.
          </p>
          <p class="govuk-body">
            Welsh, Scottish and Northern Irish councils are council types of their own (Welsh unitary
            authority, Scottish unitary authority, NI district): “Unitary authority” means English unitary
            authorities only.
          </p>
          <Checkboxes
            id="audience"
            name="all"
            legend="Everyone"
            items={[{ value: 'yes', text: allText }]}
            values={values.all ? ['yes'] : []}
            error={errors.audience}
          />
          {audienceGroups(choices).map(
            (g) =>
              g.items.length > 0 && <Checkboxes {...g} values={values[g.id]} error={errors[g.id]} small />,
          )}
          {text('authorities')}
          <div id="audience-reach" class="app-reach" aria-live="polite">
            <AudienceReachPanel reach={reach} />
          </div>
          <Button variant="secondary" name="intent" value="count" data={{ 'reach-button': '' }}>
            Update count
          </Button>

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
          <Select
            id="testAudience"
            label="Test audience"
            hint={
              choices.testAudiences.length
                ? 'Test mode sends only to this list of addresses, never to councils'
                : 'There are no test audiences you can use yet. Create one with PUT /api/v1/test-audiences/{name}.'
            }
            none="Choose a test audience"
            options={choices.testAudiences.map((n) => ({ value: n, text: n }))}
            value={values.testAudience}
            error={errors.testAudience}
          />
          <div class="govuk-button-group">
            <Button preventDoubleClick>{mode.submit}</Button>
            {mode.back && (
              <a class="govuk-link" href={mode.back}>
                Cancel changes
              </a>
            )}
          </div>
        </PostForm>
      </div>
    </div>
  );
}
