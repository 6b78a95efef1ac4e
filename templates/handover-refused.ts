// To the service's admins: an address that was to replace a council's primary mailbox was refused (by that
// primary, which did not recognise it, or by an admin). Someone on the council's domain tried to take its
// place: worth a look.
import {
  callToAction,
  defineTemplate,
  html,
  layout,
  line,
  p,
  summary,
  textLayout,
  untrusted,
} from './template.js';

export interface HandoverRefusedData {
  serviceName: string;
  authorityName: string;
  authorityCode: string;
  address: string;
  team: string;
  reason: string;
  authorityUrl: string;
}

export default defineTemplate<HandoverRefusedData>({
  subject: (d) =>
    `Refused: ${line(d.address)} as the primary mailbox of ${line(d.authorityName)} (${line(d.authorityCode)})`,

  text: (d) =>
    textLayout(d.serviceName, [
      `An address confirmed to replace the primary cyber security mailbox of ${line(d.authorityName)} (${line(d.authorityCode)}) was refused: ${line(d.reason)}. It will receive nothing, and the current primary is unchanged.`,
      [`Address: ${line(d.address)}`, `Team (as typed by the registrant): ${untrusted(d.team)}`].join('\n'),
      'Someone who can receive mail on the council’s domain registered it. The council’s page lists its mailboxes, and the audit log has who registered this one and when:',
      d.authorityUrl,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: 'A replacement primary mailbox was refused',
      body: html`${p(
        html`An address confirmed to replace the primary cyber security mailbox of ${d.authorityName} (${d.authorityCode}) was refused: ${d.reason}. It will receive nothing, and the current primary is unchanged.`,
      )}${summary([
        ['Address', d.address],
        ['Team (as typed by the registrant)', untrusted(d.team)],
      ])}${p('Someone who can receive mail on the council’s domain registered it.')}${callToAction(
        d.authorityUrl,
        'See the council’s mailboxes',
      )}`,
    }),
});
