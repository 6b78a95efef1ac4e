// The acknowledgement link's pages: what following it records (one optional field, one button), that it is
// recorded, that it already was, and a link we do not recognise.
import { ukDateTime } from '../../domain/uk-time.js';
import { Panel } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary } from '../components/error-summary.js';
import { TlpTag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';

export interface AckAdvisory {
  reference: string;
  title: string;
  tlp: string;
  /** The council's name, or the address for a test-audience delivery. */
  recipient: string;
}

export interface AckPageProps extends AckAdvisory {
  token: string;
  name?: string;
  error?: string;
}

export function ackTitle(p: AckAdvisory): string {
  return `Acknowledge advisory ${p.reference}: ${p.title} for ${p.recipient}`;
}

export function AckPage(p: AckPageProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={p.error ? [{ field: 'name', text: p.error }] : []} />
        <p class="govuk-body">
          <TlpTag tlp={p.tlp} />
        </p>
        <h1 class="govuk-heading-l app-break-words">{ackTitle(p)}</h1>
        <p class="govuk-body">
          Tell your WARP and the NCSC that your team has received this advisory. They chase councils that have
          not acknowledged it.
        </p>
        <PostForm action={`/ack/${p.token}`}>
          <TextInput
            id="name"
            label="Your name or team (optional)"
            hint="So they know who has it. If you leave this empty, we record that the mailbox holder acknowledged it."
            value={p.name}
            error={p.error}
            autocomplete="name"
            spellcheck={false}
            widthClass="govuk-!-width-two-thirds"
          />
          <Button preventDoubleClick>Acknowledge</Button>
        </PostForm>
      </div>
    </div>
  );
}

export interface AckedProps extends AckAdvisory {
  acknowledgedAt: Date;
  acknowledgedBy: string;
  /** It was acknowledged before this visit. */
  already: boolean;
}

export function ackedTitle(p: Pick<AckedProps, 'already'>): string {
  return p.already ? 'Advisory already acknowledged' : 'Advisory acknowledged';
}

export function AckedPage(p: AckedProps) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        {p.already ? (
          <>
            <h1 class="govuk-heading-l">{ackedTitle(p)}</h1>
            <p class="govuk-body app-break-words">
              {p.reference}: {p.title} for {p.recipient} was already acknowledged on{' '}
              {ukDateTime(p.acknowledgedAt)} by {p.acknowledgedBy}.
            </p>
          </>
        ) : (
          <Panel title={ackedTitle(p)}>
            {p.reference} for {p.recipient}
          </Panel>
        )}
        {!p.already && (
          <p class="govuk-body app-break-words">
            We recorded that {p.acknowledgedBy} acknowledged {p.reference}: {p.title} on{' '}
            {ukDateTime(p.acknowledgedAt)}.
          </p>
        )}
        <p class="govuk-body">You do not need to do anything else with this link.</p>
      </div>
    </div>
  );
}

export const ackNotFoundTitle = 'This link is not recognised';

export function AckNotFound() {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{ackNotFoundTitle}</h1>
        <p class="govuk-body">
          Check that you copied the whole link from the e-mail, with nothing added to it.
        </p>
        <p class="govuk-body">
          If it still does not work, tell your WARP or the NCSC that your team received the advisory.
        </p>
      </div>
    </div>
  );
}
