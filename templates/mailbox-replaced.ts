// Sent to both the old and the new address when a new mailbox is confirmed and the old one retired.
import {
  defineTemplate,
  html,
  kindLabel,
  layout,
  line,
  type MailboxKind,
  p,
  summary,
  textLayout,
} from './template.js';

export interface MailboxReplacedData {
  serviceName: string;
  authorityName: string;
  oldAddress: string;
  newAddress: string;
  kind: MailboxKind;
}

const title = (d: MailboxReplacedData) =>
  `The ${kindLabel(d.kind)} security mailbox for ${line(d.authorityName)} has changed`;

export default defineTemplate<MailboxReplacedData>({
  subject: (d) => title(d),

  text: (d) =>
    textLayout(d.serviceName, [
      `The ${kindLabel(d.kind)} cyber security mailbox for ${line(d.authorityName)} on ${line(d.serviceName)} has changed.`,
      [`Old address: ${line(d.oldAddress)}`, `New address: ${line(d.newAddress)}`].join('\n'),
      `${line(d.newAddress)} is confirmed and now receives the alerts. ${line(d.oldAddress)} will not receive them any more.`,
      'If you did not expect this change, tell your council’s IT security team straight away.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${p(
        html`The ${kindLabel(d.kind)} cyber security mailbox for ${d.authorityName} on ${d.serviceName} has changed.`,
      )}${summary([
        ['Old address', d.oldAddress],
        ['New address', d.newAddress],
      ])}${p(
        html`<strong>${d.newAddress}</strong> is confirmed and now receives the alerts. ${d.oldAddress} will not receive them any more.`,
      )}${p('If you did not expect this change, tell your council’s IT security team straight away.')}`,
    }),
});
