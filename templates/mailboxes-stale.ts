// To a WARP's operators: member councils' security mailboxes that did not re-confirm within the grace
// period and are now stale. One message per WARP per sweep, listing every mailbox that became stale in it.
import {
  defineTemplate,
  html,
  kindLabel,
  layout,
  line,
  p,
  summary,
  textLayout,
  ukDateTimeWithZone,
} from './template.js';

export interface StaleMailbox {
  authorityName: string;
  authorityCode: string;
  address: string;
  kind: string;
  /** When the re-confirmation link was sent. */
  askedAt: Date;
}

export interface MailboxesStaleData {
  serviceName: string;
  warpName: string;
  graceDays: number;
  mailboxes: StaleMailbox[];
}

const mailboxesWord = (n: number) => (n === 1 ? '1 security mailbox' : `${n} security mailboxes`);
const heading = (d: MailboxesStaleData) =>
  `${mailboxesWord(d.mailboxes.length)} in ${line(d.warpName)} ${d.mailboxes.length === 1 ? 'has' : 'have'} not been re-confirmed`;

export default defineTemplate<MailboxesStaleData>({
  subject: (d) => `Stale: ${heading(d)}`,

  text: (d) =>
    textLayout(d.serviceName, [
      `${heading(d)}.`,
      `We asked each of these mailboxes to confirm it is still in use and read. Nobody followed the link within ${d.graceDays} days, so they are now marked stale and may not be read when an alert arrives:`,
      d.mailboxes
        .map(
          (m) =>
            `- ${line(m.authorityName)} (${line(m.authorityCode)}): ${line(m.address)}, ${kindLabel(m.kind)} mailbox, asked ${ukDateTimeWithZone(m.askedAt)}`,
        )
        .join('\n'),
      'Please contact these councils. Following the link in the e-mail we sent (or registering a new mailbox) restores them.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: heading(d),
      body: html`${p(
        `We asked each of these mailboxes to confirm it is still in use and read. Nobody followed the link within ${d.graceDays} days, so they are now marked stale and may not be read when an alert arrives:`,
      )}${summary(
        d.mailboxes.map(
          (m) =>
            [
              `${m.authorityName} (${m.authorityCode})`,
              `${m.address}, ${kindLabel(m.kind)} mailbox, asked ${ukDateTimeWithZone(m.askedAt)}`,
            ] as const,
        ),
      )}${p(
        'Please contact these councils. Following the link in the e-mail we sent (or registering a new mailbox) restores them.',
      )}`,
    }),
});
