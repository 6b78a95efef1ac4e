// Sent once a mailbox is confirmed: it now receives the service's alerts.
import {
  defineTemplate,
  html,
  kindLabel,
  layout,
  line,
  type MailboxKind,
  p,
  textLayout,
} from './template.js';

export interface ConfirmedData {
  serviceName: string;
  authorityName: string;
  address: string;
  kind: MailboxKind;
}

const title = (d: ConfirmedData) => `Security mailbox confirmed for ${line(d.authorityName)}`;

export default defineTemplate<ConfirmedData>({
  subject: (d) => title(d),

  text: (d) =>
    textLayout(d.serviceName, [
      `${line(d.address)} is now confirmed as the ${kindLabel(d.kind)} cyber security mailbox for ${line(d.authorityName)}.`,
      `It will receive cyber security alerts and advisories from ${line(d.serviceName)}. Someone should read it every working day.`,
      'You will be asked to confirm it again from time to time, so that the register stays up to date.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${p(
        html`<strong>${d.address}</strong> is now confirmed as the ${kindLabel(d.kind)} cyber security mailbox for ${d.authorityName}.`,
      )}${p(
        html`It will receive cyber security alerts and advisories from ${d.serviceName}. Someone should read it every working day.`,
      )}${p('You will be asked to confirm it again from time to time, so that the register stays up to date.')}`,
    }),
});
