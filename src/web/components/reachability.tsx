// A mailbox's reachability status as a GOV.UK tag, with the reasons under it (features/checks/status.ts).
import type { MailboxStatus } from '../../features/checks/status.js';
import { StatusTag } from './tag.js';

export function Reachability({ status, reasons }: { status: MailboxStatus; reasons: string[] }) {
  return (
    <>
      <StatusTag of="mailboxStatus" value={status} />
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
