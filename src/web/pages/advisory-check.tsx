// Check before anything irreversible: releasing, approving (and so sending) and cancelling an advisory each
// go through a page that says exactly what will happen, in one sentence with its numbers ("Send 'Patch the
// VPN appliance' (TLP:AMBER, critical) to 312 mailboxes at 297 councils"), the answers it rests on, and one
// button; a destructive action's button is the warning button, with a way back beside it.
import { ukDateTime } from '../../domain/uk-time.js';
import type { AdvisoryPreview } from '../../features/advisories/preview-advisory.js';
import type { AdvisoryView } from '../../features/advisories/view.js';
import { WarningText } from '../components/bits.js';
import { Button, PostForm } from '../components/button.js';
import { ErrorSummary } from '../components/error-summary.js';
import { SummaryList } from '../components/summary-list.js';
import { TlpTag } from '../components/tag.js';
import { TextInput } from '../components/text-input.js';
import { describeAudience, severityText } from './advisory-bits.js';

export type CheckAction = 'release' | 'approve' | 'cancel';

export const checkTitles: Record<CheckAction, string> = {
  release: 'Check before you release',
  approve: 'Check before you approve and send',
  cancel: 'Are you sure you want to cancel this advisory?',
};

export interface CheckPageProps {
  action: CheckAction;
  advisory: AdvisoryView;
  /** Who it reaches (for release and approve). */
  preview?: AdvisoryPreview;
  /** Who released it (for approve). */
  releasedBy?: string;
  /** For cancel while sending: what is still to go, and what has gone. */
  counts?: { notYetSent: number; delivered: number };
  warpNames?: Map<string, string>;
  csrf: string;
  error?: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What it reaches, as the sentence says it. */
function reach(a: AdvisoryView, p: AdvisoryPreview): string {
  if (p.testAudience)
    return `the test audience “${p.testAudience.name}” (${plural(p.testAudience.addresses, 'address', 'addresses')}) only: no council receives it`;
  return `${plural(p.mailboxes, 'mailbox', 'mailboxes')} at ${plural(p.councils, 'council', 'councils')}${a.tlp === 'RED' ? ' (confirmed primary mailboxes only)' : ''}`;
}

/** The one sentence that says what the button does. */
export function checkSentence(
  props: Pick<CheckPageProps, 'action' | 'advisory' | 'preview' | 'counts'>,
): string {
  const { action, advisory: a, preview, counts } = props;
  const what = `‘${a.title}’ (TLP:${a.tlp}, ${(severityText[a.severity] ?? a.severity).toLowerCase()})`;
  if (action === 'cancel') {
    if (a.state === 'draft') return `Cancel the draft ${what}. It can no longer be edited or released.`;
    if (a.state === 'awaiting-approval') return `Cancel ${what}. Nothing has been sent and nothing will be.`;
    const stop = counts ? plural(counts.notYetSent, 'delivery', 'deliveries') : 'The deliveries';
    const gone = counts ? plural(counts.delivered, 'copy that was', 'copies that were') : 'Copies';
    return `Stop sending ${what}. ${stop} not sent yet will not be sent; ${gone} delivered cannot be recalled.`;
  }
  const to = preview ? reach(a, preview) : 'its audience';
  if (action === 'release' && preview?.needsSecondApproval)
    return `Release ${what} for a second administrator to approve. Once they approve it, it is sent to ${to}.`;
  return `Send ${what} to ${to}.`;
}

export function CheckPage(props: CheckPageProps) {
  const { action, advisory: a, preview, releasedBy, warpNames, csrf, error } = props;
  const back = `/advisories/${a.id}`;
  const buttonText =
    action === 'cancel'
      ? 'Cancel this advisory'
      : action === 'approve'
        ? 'Approve and send'
        : preview?.needsSecondApproval
          ? 'Release for approval'
          : a.test
            ? 'Send to the test audience'
            : 'Release and send';
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary description={error} />
        <a class="govuk-back-link" href={back}>
          Back to the advisory
        </a>
        <span class="govuk-caption-l">{a.reference}</span>
        <h1 class="govuk-heading-l">{checkTitles[action]}</h1>
        <p class="govuk-body-l app-break-words" id="check-sentence">
          {checkSentence(props)}
        </p>
        {action !== 'cancel' && (
          <SummaryList
            rows={[
              { key: 'Title', value: <span class="app-break-words">{a.title}</span> },
              { key: 'TLP', value: <TlpTag tlp={a.tlp} /> },
              { key: 'Severity', value: severityText[a.severity] ?? a.severity },
              { key: 'Audience', value: describeAudience(a.audience, warpNames).join('; ') || 'Nobody' },
              preview && { key: 'Councils', value: String(preview.councils) },
              preview && { key: 'Mailboxes', value: String(preview.mailboxes) },
              preview &&
                !a.test &&
                (a.severity === 'critical' || a.urgent) && {
                  key: 'Out-of-hours mobiles texted',
                  value: `${preview.mobiles} (a heads-up with a link; never the content)`,
                },
              preview &&
                preview.withoutMailbox.length > 0 && {
                  key: 'Councils it will miss',
                  value: `${preview.withoutMailbox.length} (no ${a.tlp === 'RED' ? 'confirmed primary' : 'confirmed'} mailbox)`,
                },
              !!releasedBy && {
                key: 'Released by',
                value: (
                  <span class="app-break-words">
                    {releasedBy}
                    {a.releasedAt ? `, ${ukDateTime(a.releasedAt)}` : ''}
                  </span>
                ),
              },
            ]}
          />
        )}
        {action !== 'cancel' && (
          <p class="govuk-body">
            <a class="govuk-link" href={`${back}/email`}>
              Preview the e-mail as recipients will see it
            </a>
          </p>
        )}
        <WarningText>
          {action === 'cancel'
            ? 'You cannot undo this.'
            : action === 'release' && preview?.needsSecondApproval
              ? 'Nothing is sent until a second administrator approves it. The other administrators are e-mailed now.'
              : 'Once it is sent it cannot be recalled: a correction is a new update.'}
        </WarningText>
        <PostForm action={`${back}/${action}`} csrf={csrf}>
          {action === 'cancel' && (
            <TextInput
              id="cancel-reason"
              name="reason"
              label="Why it is cancelled (optional)"
              hint="Kept in the audit log."
              maxlength={500}
            />
          )}
          <div class="govuk-button-group">
            <Button variant={action === 'cancel' ? 'warning' : 'primary'} preventDoubleClick>
              {buttonText}
            </Button>
            <a class="govuk-link" href={back}>
              {action === 'cancel' ? 'No, keep it' : 'Go back without sending'}
            </a>
          </div>
        </PostForm>
      </div>
    </div>
  );
}
