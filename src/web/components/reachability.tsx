// A mailbox's reachability status as a GOV.UK tag, with the reasons under it (features/checks/status.ts).
import type { MailboxStatus } from '../../features/checks/status.js';

const colour: Record<MailboxStatus, string> = {
  confirmed: 'govuk-tag--green',
  unverified: 'govuk-tag--yellow',
  stale: 'govuk-tag--orange',
  unreachable: 'govuk-tag--red',
  'at-risk': 'govuk-tag--orange',
  retired: 'govuk-tag--grey',
};

export const reachabilityText: Record<MailboxStatus, string> = {
  confirmed: 'Reachable',
  unverified: 'Not confirmed yet',
  stale: 'Stale: re-confirmation overdue',
  unreachable: 'Unreachable',
  'at-risk': 'At risk',
  retired: 'Removed',
};

export function ReachabilityTag({ status }: { status: MailboxStatus }) {
  return <strong class={`govuk-tag ${colour[status]}`}>{reachabilityText[status]}</strong>;
}

export function Reachability({ status, reasons }: { status: MailboxStatus; reasons: string[] }) {
  return (
    <>
      <ReachabilityTag status={status} />
      {reasons.length > 0 && (
        <ul class="govuk-list govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0">
          {reasons.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      )}
    </>
  );
}
