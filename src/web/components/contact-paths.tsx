// The "Contact paths" summary an authority's page and a council's own page share: how many independent
// ways the NCSC has to reach the council, what each consists of, and, when one failure would cut it off,
// a GOV.UK warning saying what to do.

import { ukDateTime } from '../../domain/uk-time.js';
import type { ContactPaths } from '../../features/coverage/contact-paths.js';
import type { LastDrill } from '../../features/coverage/drill-response.js';
import { RESPONSIVE_HOURS } from '../../features/coverage/drill-response.js';
import { WarningText } from './bits.js';
import { SummaryList } from './summary-list.js';
import { Table } from './table.js';
import { Tag } from './tag.js';

const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

function drillWords(d: LastDrill): string {
  if (d.responsive)
    return `Answered ${d.reference} (started ${ukDateTime(d.startedAt)}) within ${RESPONSIVE_HOURS} hours`;
  return d.acknowledgedAt
    ? `Did not answer ${d.reference} (started ${ukDateTime(d.startedAt)}) within ${RESPONSIVE_HOURS} hours: acknowledged ${ukDateTime(d.acknowledgedAt)}`
    : `Did not answer the last drill, ${d.reference} (started ${ukDateTime(d.startedAt)})`;
}

export function ContactPathsSummary({
  paths,
  lastDrill,
  headingLevel = 2,
}: {
  paths: ContactPaths;
  lastDrill?: LastDrill | null;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const warnings = paths.findings.filter((f) => f.severity === 'warning');
  const notes = paths.findings.filter((f) => f.severity !== 'warning');
  return (
    <section aria-labelledby="contact-paths" id="contact-paths-section">
      <Heading class="govuk-heading-m" id="contact-paths">
        Contact paths
      </Heading>
      <p class="govuk-body">
        When a council’s own systems are under attack its mail may be down. Mailboxes delivered by the same
        mail servers or the same mail provider are one path, not two; a confirmed out-of-hours mobile is a
        path of its own.
      </p>
      {warnings.map((f) => (
        <WarningText>
          {sentence(f.message)}.{!f.message.includes(f.action) && ` What to do: ${f.action}.`}
        </WarningText>
      ))}
      <SummaryList
        rows={[
          {
            key: 'Independent paths',
            value: (
              <>
                {paths.independent}{' '}
                {paths.resilient ? (
                  <Tag colour="green">Resilient</Tag>
                ) : (
                  <Tag colour="red">Not resilient</Tag>
                )}
              </>
            ),
          },
          lastDrill === undefined
            ? null
            : { key: 'Last drill', value: lastDrill ? drillWords(lastDrill) : 'No finished drill yet' },
        ]}
      />
      {paths.paths.length > 0 && (
        <Table
          id="contact-path-table"
          stack
          compact
          caption="Its contact paths and what each consists of"
          columns={['Path', 'What it consists of', 'Why these are one path']}
          rows={paths.paths.map((p, i) => [
            <>
              {`Path ${i + 1}: ${p.channel === 'sms' ? 'text message' : 'e-mail'}`}
              {p.notYetChecked && (
                <>
                  {' '}
                  <Tag colour="grey">Not yet checked</Tag>
                </>
              )}
            </>,
            <span class="app-break-words">{p.description}</span>,
            p.sharing.length ? sentence(p.sharing.join('; ')) : '–',
          ])}
        />
      )}
      {notes.map((f) => (
        <p class="govuk-body">{sentence(f.message)}.</p>
      ))}
    </section>
  );
}
