// The audit-log page (admins): the filter form (actor, subject, action, date range) as a GET form, the
// entries a page at a time (newest first, "Older entries" by keyset), and the CSV download of the filtered set.
import { ukDateTime } from '../../domain/uk-time.js';
import type { AuditRow } from '../../features/audit/browse.js';
import { Button } from '../components/button.js';
import { DateInput } from '../components/date-input.js';
import { ErrorSummary, type SummaryError } from '../components/error-summary.js';
import { Select } from '../components/select.js';
import { Table } from '../components/table.js';
import { TextInput } from '../components/text-input.js';

export const auditTitle = 'Audit log';

export interface AuditFormValues {
  actor: string;
  subjectType: string;
  subject: string;
  action: string;
  from: { day: string; month: string; year: string };
  to: { day: string; month: string; year: string };
}

const MAX_SHOWN = 300;

/** A change's before or after, as compact JSON (cut short on the page; whole in the CSV). */
function Details({ entry }: { entry: AuditRow }) {
  const parts = [
    entry.before !== null && entry.before !== undefined ? `before: ${JSON.stringify(entry.before)}` : '',
    entry.after !== null && entry.after !== undefined ? `after: ${JSON.stringify(entry.after)}` : '',
  ].filter(Boolean);
  if (!parts.length) return <>–</>;
  const cut = (text: string) => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);
  return (
    <details class="govuk-details govuk-!-margin-bottom-0">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">Details</span>
      </summary>
      <div class="govuk-details__text">
        {parts.map((part) => (
          <p class="govuk-body-s app-break-words">
            <code>{cut(part)}</code>
          </p>
        ))}
      </div>
    </details>
  );
}

export function AuditPage(p: {
  values: AuditFormValues;
  errors: Record<string, string>;
  summary: SummaryError[];
  actions: string[];
  subjectTypes: string[];
  entries: AuditRow[];
  nextHref: string | null;
  firstHref: string | null;
  csvHref: string;
}) {
  return (
    <>
      <ErrorSummary errors={p.summary} />
      <h1 class="govuk-heading-l">{auditTitle}</h1>
      <p class="govuk-body">Every change anyone made, and who made it, newest first.</p>
      <form method="get" action="/audit" novalidate>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <TextInput
              id="actor"
              label="Who (part of the actor)"
              hint="An address, staff:, token:, mailbox: or cli"
              value={p.values.actor}
              error={p.errors.actor}
              spellcheck={false}
            />
            <Select
              id="action"
              label="Action"
              none="Any action"
              value={p.values.action}
              options={p.actions.map((a) => ({ value: a, text: a }))}
            />
          </div>
          <div class="govuk-grid-column-one-half">
            <Select
              id="subjectType"
              label="Subject type"
              none="Any subject"
              value={p.values.subjectType}
              options={p.subjectTypes.map((s) => ({ value: s, text: s }))}
            />
            <TextInput
              id="subject"
              label="Subject (part of its id)"
              hint="A council code, an address, an advisory id"
              value={p.values.subject}
              error={p.errors.subject}
              spellcheck={false}
            />
          </div>
        </div>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <DateInput
              id="from"
              legend="From (UK time)"
              hint="For example, 27 3 2026"
              values={p.values.from}
              error={p.errors.from}
            />
          </div>
          <div class="govuk-grid-column-one-half">
            <DateInput
              id="to"
              legend="To, and including"
              hint="For example, 31 3 2026"
              values={p.values.to}
              error={p.errors.to}
            />
          </div>
        </div>
        <div class="govuk-button-group">
          <Button>Filter</Button>
          <a class="govuk-link" href="/audit">
            Clear the filters
          </a>
          <a class="govuk-link" href={p.csvHref} download>
            Download these entries (CSV)
          </a>
        </div>
      </form>
      <Table
        id="audit-entries"
        scroll
        compact
        caption={p.firstHref ? 'Older entries' : 'Latest entries'}
        columns={['When', 'Who', 'Action', 'Subject', 'From', 'Details']}
        rows={p.entries.map((e) => [
          ukDateTime(e.at),
          <span class="app-break-words">
            {e.actor} ({e.actorRole})
          </span>,
          <code>{e.action}</code>,
          <span class="app-break-words">
            {e.subjectType}: {e.subjectId}
          </span>,
          e.ip ?? '–',
          <Details entry={e} />,
        ])}
        empty="No entries match these filters."
      />
      {(p.nextHref || p.firstHref) && (
        <nav class="govuk-pagination" aria-label="Pages of the audit log">
          {p.firstHref && (
            <div class="govuk-pagination__prev">
              <a class="govuk-link govuk-pagination__link" href={p.firstHref}>
                <span class="govuk-pagination__link-title">Newest entries</span>
              </a>
            </div>
          )}
          {p.nextHref && (
            <div class="govuk-pagination__next">
              <a class="govuk-link govuk-pagination__link" href={p.nextHref} rel="next">
                <span class="govuk-pagination__link-title">Older entries</span>
              </a>
            </div>
          )}
        </nav>
      )}
    </>
  );
}
