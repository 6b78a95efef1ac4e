// What the advisory page shows about releasing and sending: the release, approve (a second admin) and
// cancel buttons; counts by status with a progress bar, the per-council report, CSV and JSON downloads.
import type { Context } from 'hono';
import { requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { ukDateTime } from '../../domain/uk-time.js';
import { advisoryReport } from '../../features/advisories/report.js';
import { advisoryProgress } from '../../features/advisories/report-progress.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { csrfToken } from '../../middleware/csrf.js';
import { ImportantBanner } from '../components/bits.js';
import { Button, PostButton, PostForm } from '../components/button.js';
import { SummaryList } from '../components/summary-list.js';
import { Table } from '../components/table.js';
import { StatusTag, statusWord, Tag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';

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
    <>
      {advisory.state === 'draft' && (
        <PostButton action={`${base}/release`} csrf={csrf} preventDoubleClick>
          {advisory.test ? 'Send to the test audience' : 'Release'}
        </PostButton>
      )}
      {advisory.state === 'awaiting-approval' && principal.role === 'admin' && !mine && (
        <PostButton action={`${base}/approve`} csrf={csrf} preventDoubleClick>
          Approve and send
        </PostButton>
      )}
      {advisory.state === 'awaiting-approval' && mine && (
        <p class="govuk-body">A second admin must approve this before it is sent.</p>
      )}
      {canCancel && (
        <PostForm action={`${base}/cancel`} csrf={csrf}>
          <TextInput
            id="cancel-reason"
            name="reason"
            label="Reason for cancelling (optional)"
            maxlength={500}
            widthClass="govuk-!-width-two-thirds"
          />
          <Button variant="warning">Cancel this advisory</Button>
        </PostForm>
      )}
    </>
  );
}

type Progress = Awaited<ReturnType<typeof advisoryProgress>>;
type Report = Awaited<ReturnType<typeof advisoryReport>>;

function SendProgress({
  advisory,
  progress,
  report,
  resumeCsrf,
}: {
  advisory: AdvisoryView;
  progress: Progress;
  report: Report;
  /** An admin's CSRF token: the pause banner offers to resume sending. */
  resumeCsrf?: string;
}) {
  const rows = report.items.slice(0, 200);
  const paused = progress.paused;
  return (
    <section aria-labelledby="progress-heading">
      {paused && (
        <ImportantBanner heading="Sending is paused: our mail server is refusing our mail">
          <p class="govuk-body app-break-words">{paused.reason}</p>
          <p class="govuk-body">
            This is a fault on our side, not the councils’: no delivery is counted as failed for it. They are
            kept and sent when sending works again
            {paused.nextProbeAt ? `; we try again at ${ukDateTime(paused.nextProbeAt)}` : ''}. Once the cause
            is fixed, an administrator can resume sending at once.
          </p>
          {resumeCsrf && (
            <PostButton
              action={`/advisories/${advisory.id}/resume-sending`}
              csrf={resumeCsrf}
              preventDoubleClick
            >
              Resume sending now
            </PostButton>
          )}
        </ImportantBanner>
      )}
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
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
          <SummaryList
            rows={[
              ...Object.entries(progress.byStatus)
                .filter(([, n]) => n > 0)
                .map(([status, n]) => ({ key: statusWord('deliveryStatus', status), value: n })),
              {
                key: 'Councils acknowledged',
                value: `${report.summary.councilsAcknowledged} of ${report.summary.councils}`,
              },
              report.summary.resent > 0 && {
                key: 'May have arrived twice',
                value: `${report.summary.resent} (a worker stopped while sending them; the copies share a Message-ID)`,
              },
            ]}
          />
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
        </div>
      </div>
      {rows.length > 0 && (
        <Table
          id="deliveries"
          scroll
          compact
          caption={`Deliveries${report.items.length > rows.length ? ` (first ${rows.length} of ${report.items.length})` : ''}`}
          columns={[
            'Council',
            { head: 'Mailbox', cellClass: 'app-code' },
            'Status',
            { head: 'Reply', cellClass: 'app-code app-wrap-anywhere' },
            'Acknowledged',
          ]}
          rows={rows.map((r) => [
            r.authorityName ?? r.authority ?? 'Test audience',
            r.mailbox,
            <>
              <StatusTag of="deliveryStatus" value={r.status} />
              {r.attempts > 1 && <span class="govuk-body-s"> {r.attempts} attempts</span>}
              {r.resends > 0 && <span class="govuk-body-s"> (may have arrived twice: a worker stopped)</span>}
            </>,
            r.reply ?? '',
            r.acknowledgedAt ? ukDateTime(r.acknowledgedAt) : <Tag colour="grey">Not yet</Tag>,
          ])}
        />
      )}
    </section>
  );
}

/** The slots the advisory page draws for release control and progress. */
export async function releaseSlots(c: Context<AppEnv>, advisory: AdvisoryView, author = true) {
  const principal = requirePrincipal(c);
  const actions =
    author && (principal.role === 'admin' || principal.role === 'warp') ? (
      <ReleaseActions advisory={advisory} principal={principal} csrf={csrfToken(c)} />
    ) : undefined;
  if (advisory.state === 'draft' || advisory.state === 'awaiting-approval') return { actions };
  const [progress, report] = await Promise.all([
    advisoryProgress(c.var.deps, principal, advisory.id),
    advisoryReport(c.var.deps, principal, advisory.id),
  ]);
  const resumeCsrf = principal.role === 'admin' ? csrfToken(c) : undefined;
  return {
    actions,
    progress: (
      <SendProgress advisory={advisory} progress={progress} report={report} resumeCsrf={resumeCsrf} />
    ),
  };
}
