// Sent to a council's confirmed primary mailbox when another address, confirmed by its own link, asks to
// replace it. Anyone who can receive mail on the council's domain could register an address, so the
// current primary is asked first: it can agree at once, or refuse, and if nobody refuses by the deadline
// the new address takes over (an administrator can decide sooner).
import {
  callToAction,
  defineTemplate,
  html,
  inset,
  layout,
  line,
  p,
  summary,
  textLayout,
  ukDateTimeWithZone,
} from './template.js';

export interface HandoverRequestData {
  serviceName: string;
  authorityName: string;
  currentAddress: string;
  newAddress: string;
  /** The page that asks "is this right?" (agree or refuse). */
  answerUrl: string;
  /** When the new address takes over if nobody refuses. */
  dueAt: Date;
}

const title = (d: HandoverRequestData) =>
  `Is ${line(d.newAddress)} replacing this address as ${line(d.authorityName)}’s security mailbox?`;

export default defineTemplate<HandoverRequestData>({
  subject: (d) => `Action needed: ${title(d)}`,

  text: (d) =>
    textLayout(d.serviceName, [
      `Someone confirmed ${line(d.newAddress)} to replace this address, ${line(d.currentAddress)}, as the primary cyber security mailbox for ${line(d.authorityName)} on ${line(d.serviceName)}.`,
      'Tell us whether this is right:',
      d.answerUrl,
      `If nobody says it is not by ${ukDateTimeWithZone(d.dueAt)}, ${line(d.newAddress)} will receive your council’s security advisories instead of this address. Until then, nothing changes: this address keeps receiving them.`,
      'If you do not recognise the new address, say so at the link straight away, and tell your council’s IT security team.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${p(
        html`Someone confirmed <strong>${d.newAddress}</strong> to replace this address as the primary cyber security mailbox for ${d.authorityName} on ${d.serviceName}.`,
      )}${summary([
        ['Current address', d.currentAddress],
        ['New address', d.newAddress],
        ['Takes over on', ukDateTimeWithZone(d.dueAt)],
      ])}${callToAction(d.answerUrl, 'Tell us whether this is right')}${p(
        'Until then, nothing changes: this address keeps receiving your council’s security advisories.',
      )}${inset(
        'If you do not recognise the new address, say so at the link straight away, and tell your council’s IT security team.',
      )}`,
    }),
});
