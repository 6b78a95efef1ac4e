// To the other administrators: an advisory waits for a second admin's approval (it reaches more than one
// WARP, or it is TLP:RED). A TLP:RED advisory's title stays out of the e-mail: the link shows it to them.
import { callToAction, defineTemplate, html, layout, line, p, summary, textLayout } from './template.js';

export interface AdvisoryApprovalNeededData {
  serviceName: string;
  reference: string;
  /** Null for TLP:RED: its title is not put in an e-mail. */
  title: string | null;
  tlp: string;
  severity: string;
  releasedBy: string;
  releasedAt: string;
  councils: number;
  mailboxes: number;
  why: string;
  checkUrl: string;
}

const named = (d: AdvisoryApprovalNeededData) =>
  d.title === null ? line(d.reference) : `${line(d.reference)} “${line(d.title)}”`;

export default defineTemplate<AdvisoryApprovalNeededData>({
  subject: (d) => `Waiting for your approval: ${named(d)} (TLP:${line(d.tlp)}, ${line(d.severity)})`,

  text: (d) =>
    textLayout(d.serviceName, [
      `${line(d.releasedBy)} released ${named(d)} at ${line(d.releasedAt)}. ${line(d.why)}, so it waits for a second administrator before anything is sent.`,
      [
        `TLP: TLP:${line(d.tlp)}`,
        `Severity: ${line(d.severity)}`,
        `It would reach: ${d.mailboxes} mailboxes at ${d.councils} councils`,
      ].join('\n'),
      'Check it and approve it (or cancel it) here:',
      d.checkUrl,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: 'An advisory waits for your approval',
      body: html`${p(
        html`${d.releasedBy} released ${d.title === null ? d.reference : html`${d.reference} “${d.title}”`} at ${d.releasedAt}. ${d.why}, so it waits for a second administrator before anything is sent.`,
      )}${summary([
        ['TLP', `TLP:${d.tlp}`],
        ['Severity', d.severity],
        ['It would reach', `${d.mailboxes} mailboxes at ${d.councils} councils`],
      ])}${callToAction(d.checkUrl, 'Check and approve it')}`,
    }),
});
