// What the advisory page shows about releasing and sending: the release, approve (a second admin) and
// cancel buttons; counts by status with a progress bar, the per-council report, CSV and JSON downloads.
import type { Context } from 'hono';
import { requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { advisoryReport } from '../../features/advisories/report.js';
import { advisoryProgress } from '../../features/advisories/report-progress.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { csrfToken } from '../../middleware/csrf.js';
import { CsrfField, formatDateTime } from '../components/bits.js';

const statusText: Record<string, string> = {
  created: 'Waiting to send',
  sending: 'Sending',
  delivered: 'Delivered',
  'temporary-failure': 'Temporary failure',
  'permanent-failure': 'Permanent failure',
  'technical-failure': 'Technical failure',
  cancelled: 'Cancelled',
};

function ReleaseActions({
  advisory,
  principal,
  csrf,
}: {
  advisory: AdvisoryView;
  principal: Principal;
  csrf: string;
}) {
  const base = `/advisories/${advisory.id}`;
  const mine = advisory.createdBy === principal.actor || advisory.releasedBy === principal.actor;
  const canCancel = ['draft', 'awaiting-approval', 'sending'].includes(advisory.state);
  return (
    <div class="govuk-button-group">
      {advisory.state === 'draft' && (
        <form method="post" action={`${base}/release`}>
          <CsrfField token={csrf} />
          <button
            type="submit"
            class="govuk-button"
            data-module="govuk-button"
            data-prevent-double-click="true"
          >
            {advisory.test ? 'Send to the test audience' : 'Release'}
          </button>
        </form>
      )}
      {advisory.state === 'awaiting-approval' && principal.role === 'admin' && !mine && (
        <form method="post" action={`${base}/approve`}>
          <CsrfField token={csrf} />
          <button
            type="submit"
            class="govuk-button"
            data-module="govuk-button"
            data-prevent-double-click="true"
          >
            Approve and send
          </button>
        </form>
      )}
      {advisory.state === 'awaiting-approval' && mine && (
        <p class="govuk-body">A second admin must approve this before it is sent.</p>
      )}
      {canCancel && (
        <form method="post" action={`${base}/cancel`}>
          <CsrfField token={csrf} />
          <div class="govuk-form-group">
            <label class="govuk-label" for="cancel-reason">
              Reason for cancelling (optional)
            </label>
            <input
              class="govuk-input govuk-!-width-two-thirds"
              id="cancel-reason"
              name="reason"
              type="text"
              maxlength={500}
            />
          </div>
          <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
            Cancel this advisory
          </button>
        </form>
      )}
    </div>
  );
}

type Progress = Awaited<ReturnType<typeof advisoryProgress>>;
type Report = Awaited<ReturnType<typeof advisoryReport>>;

function SendProgress({
  advisory,
  progress,
  report,
}: {
  advisory: AdvisoryView;
  progress: Progress;
  report: Report;
}) {
  const rows = report.items.slice(0, 200);
  return (
    <section aria-labelledby="progress-heading">
      <h2 class="govuk-heading-m" id="progress-heading">
        Progress
      </h2>
      <p class="govuk-body">
        <label for="send-progress">
          {progress.done} of {progress.total} messages finished ({progress.percent}%)
        </label>
        <br />
        <progress id="send-progress" max={Math.max(progress.total, 1)} value={progress.done}>
          {progress.percent}%
        </progress>
      </p>
      <dl class="govuk-summary-list">
        {Object.entries(progress.byStatus)
          .filter(([, n]) => n > 0)
          .map(([status, n]) => (
            <div class="govuk-summary-list__row">
              <dt class="govuk-summary-list__key">{statusText[status] ?? status}</dt>
              <dd class="govuk-summary-list__value">{n}</dd>
            </div>
          ))}
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Councils acknowledged</dt>
          <dd class="govuk-summary-list__value">
            {report.summary.councilsAcknowledged} of {report.summary.councils}
          </dd>
        </div>
      </dl>
      <p class="govuk-body">
        <a class="govuk-link" href={`/advisories/${advisory.id}`}>
          Refresh
        </a>{' '}
        · Download the report as{' '}
        <a class="govuk-link" href={`/api/v1/advisories/${advisory.id}/report.csv`}>
          CSV
        </a>{' '}
        or{' '}
        <a class="govuk-link" href={`/api/v1/advisories/${advisory.id}/report`}>
          JSON
        </a>
      </p>
      {rows.length > 0 && (
        <table class="govuk-table app-table--compact">
          <caption class="govuk-table__caption govuk-table__caption--s">
            Deliveries
            {report.items.length > rows.length ? ` (first ${rows.length} of ${report.items.length})` : ''}
          </caption>
          <thead class="govuk-table__head">
            <tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">
                Council
              </th>
              <th scope="col" class="govuk-table__header">
                Mailbox
              </th>
              <th scope="col" class="govuk-table__header">
                Status
              </th>
              <th scope="col" class="govuk-table__header">
                Reply
              </th>
              <th scope="col" class="govuk-table__header">
                Acknowledged
              </th>
            </tr>
          </thead>
          <tbody class="govuk-table__body">
            {rows.map((r) => (
              <tr class="govuk-table__row">
                <td class="govuk-table__cell">{r.authorityName ?? r.authority ?? 'Test audience'}</td>
                <td class="govuk-table__cell app-code">{r.mailbox}</td>
                <td class="govuk-table__cell">
                  {statusText[r.status] ?? r.status}
                  {r.attempts > 1 ? ` (${r.attempts} attempts)` : ''}
                </td>
                <td class="govuk-table__cell app-code">{r.reply ?? ''}</td>
                <td class="govuk-table__cell">
                  {r.acknowledgedAt ? formatDateTime(r.acknowledgedAt) : 'No'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The slots the advisory page draws for release control and progress. */
export async function releaseSlots(c: Context<AppEnv>, advisory: AdvisoryView) {
  const principal = requirePrincipal(c);
  const actions =
    principal.role === 'admin' || principal.role === 'warp' ? (
      <ReleaseActions advisory={advisory} principal={principal} csrf={csrfToken(c)} />
    ) : undefined;
  if (advisory.state === 'draft' || advisory.state === 'awaiting-approval') return { actions };
  const [progress, report] = await Promise.all([
    advisoryProgress(c.var.deps, principal, advisory.id),
    advisoryReport(c.var.deps, principal, advisory.id),
  ]);
  return { actions, progress: <SendProgress advisory={advisory} progress={progress} report={report} /> };
}
