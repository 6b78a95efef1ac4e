// To a council's confirmed mailbox when its council is being replaced (a reorganisation): will this mailbox
// serve the successor council? Until someone answers, advisories to the successor come here too.
import { callToAction, defineTemplate, html, layout, line, p, summary, textLayout } from './template.js';

export interface MailboxOfferData {
  serviceName: string;
  address: string;
  predecessorName: string;
  successorName: string;
  /** When the predecessor ends, if the register says. */
  endDate: string | null;
  answerUrl: string;
}

const question = (d: MailboxOfferData) =>
  `Will ${line(d.address)} be the cyber security mailbox of ${line(d.successorName)}?`;

export default defineTemplate<MailboxOfferData>({
  subject: (d) =>
    `${line(d.predecessorName)} is being replaced: will this mailbox serve ${line(d.successorName)}?`,

  text: (d) =>
    textLayout(d.serviceName, [
      `${line(d.predecessorName)} ${d.endDate ? `ends on ${d.endDate}` : 'has ended'}, and ${line(d.successorName)} takes over its area.`,
      `${question(d)} Until you answer, security advisories for ${line(d.successorName)} are sent to this mailbox too, so nothing is missed on the day. Answer here:`,
      d.answerUrl,
      'If you say yes, this address becomes a confirmed mailbox of the new council. If you say no, advisories for the new council stop coming here; register the right address for it instead.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: question(d),
      body: html`${p(
        `${d.predecessorName} ${d.endDate ? `ends on ${d.endDate}` : 'has ended'}, and ${d.successorName} takes over its area.`,
      )}${summary([
        ['This mailbox', d.address],
        ['Council now', d.predecessorName],
        ['New council', d.successorName],
      ])}${p(
        `Until you answer, security advisories for ${d.successorName} are sent to this mailbox too, so nothing is missed on the day.`,
      )}${callToAction(d.answerUrl, 'Answer')}${p(
        'If you say yes, this address becomes a confirmed mailbox of the new council. If you say no, advisories for the new council stop coming here; register the right address for it instead.',
      )}`,
    }),
});
