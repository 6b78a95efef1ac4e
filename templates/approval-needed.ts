// To the service's admins: a mailbox was registered on a domain not known for its council.
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

export interface ApprovalNeededData {
  serviceName: string;
  authorityName: string;
  authorityCode: string;
  address: string;
  domain: string;
  knownDomains: string[];
  team: string;
  reviewUrl: string;
}

const known = (d: ApprovalNeededData) =>
  d.knownDomains.length ? d.knownDomains.map(line).join(', ') : 'none recorded';

export default defineTemplate<ApprovalNeededData>({
  subject: (d) =>
    `Approval needed: ${line(d.address)} for ${line(d.authorityName)} (${line(d.authorityCode)})`,

  text: (d) =>
    textLayout(d.serviceName, [
      `A mailbox was registered for ${line(d.authorityName)} (${line(d.authorityCode)}) on a domain that is not one of the council's known domains. It will receive nothing until an admin approves it and it is confirmed.`,
      [
        `Address: ${line(d.address)}`,
        `Domain: ${line(d.domain)}`,
        `Known domains: ${known(d)}`,
        `Team (as typed by the registrant): ${untrusted(d.team)}`,
      ].join('\n'),
      'Review it here:',
      d.reviewUrl,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: 'A mailbox needs approval',
      body: html`${p(
        html`A mailbox was registered for ${d.authorityName} (${d.authorityCode}) on a domain that is not one of the council’s known domains. It will receive nothing until an admin approves it and it is confirmed.`,
      )}${summary([
        ['Address', d.address],
        ['Domain', d.domain],
        ['Known domains', d.knownDomains.length ? d.knownDomains.join(', ') : 'none recorded'],
        ['Team (as typed by the registrant)', untrusted(d.team)],
      ])}${callToAction(d.reviewUrl, 'Review the registration')}`,
    }),
});
