// "Recent changes": the latest audit entries about what a page manages (the team, API keys), in words.
import { ukDateTime } from '../../domain/uk-time.js';
import { Table } from '../components/table.js';

export interface ChangeLine {
  at: Date;
  /** Who did it, as people know them (people.ts `describeActor`). */
  who: string;
  /** What they did, in words: "Disabled", "Created key". */
  what: string;
  /** What it was done to: an address, a key's name. */
  subject: string;
}

export function RecentChanges({ changes, auditHref }: { changes: ChangeLine[]; auditHref?: string }) {
  return (
    <>
      <h2 class="govuk-heading-m">Recent changes</h2>
      <Table
        id="recent-changes"
        caption="Recent changes, newest first"
        hiddenCaption
        stack
        columns={['When', 'Who', 'What', 'Of']}
        rows={changes.map((c) => [ukDateTime(c.at), c.who, c.what, c.subject])}
        empty="No changes yet."
      />
      {auditHref && (
        <p class="govuk-body">
          <a class="govuk-link" href={auditHref}>
            Every change in the audit log
          </a>
        </p>
      )}
    </>
  );
}
