// To a WARP's operators: member councils that received an advisory but have not acknowledged it. Carries the
// advisory's TLP label in the subject and before the content, like the advisory itself.
import {
  defineTemplate,
  html,
  layout,
  line,
  link,
  p,
  summary,
  textLayout,
  ukDateTimeWithZone,
} from './template.js';

export interface EscalationCouncil {
  code: string;
  name: string;
  /** When the first of its mailboxes had the advisory delivered. */
  deliveredAt: Date;
}

export interface EscalationData {
  serviceName: string;
  warpName: string;
  reference: string;
  /** Null for TLP:RED: its title never travels in the clear (the reference names it). */
  title: string | null;
  tlp: string;
  /** When sending started. */
  releasedAt: Date;
  /** The hours a council had to acknowledge (ACK_ESCALATION_HOURS). */
  hours: number;
  councils: EscalationCouncil[];
  reportUrl: string;
}

/** `REF: title`, or only the reference when the title is withheld (TLP:RED). */
const named = (d: EscalationData) =>
  d.title === null ? line(d.reference) : `${line(d.reference)}: ${line(d.title)}`;
const councilsWord = (n: number) => (n === 1 ? '1 council' : `${n} councils`);
const heading = (d: EscalationData) =>
  `${councilsWord(d.councils.length)} in ${line(d.warpName)} have not acknowledged ${line(d.reference)}`;

export default defineTemplate<EscalationData>({
  subject: (d) =>
    `[TLP:${d.tlp}] Not acknowledged: ${named(d)} (${councilsWord(d.councils.length)} in ${line(d.warpName)})`,

  text: (d) =>
    textLayout(d.serviceName, [
      `TLP:${line(d.tlp)}`,
      d.title === null ? `${heading(d)}.` : `${heading(d)}: ${line(d.title)}.`,
      `It was sent on ${ukDateTimeWithZone(d.releasedAt)}. These member councils had it delivered but nobody has followed its acknowledgement link, more than ${d.hours} hours later:`,
      d.councils
        .map((c) => `- ${line(c.name)} (${line(c.code)}): delivered ${ukDateTimeWithZone(c.deliveredAt)}`)
        .join('\n'),
      'Please check that each of them has seen it. The delivery report:',
      d.reportUrl,
      `END OF TLP:${line(d.tlp)} CONTENT`,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: heading(d),
      body: html`<p style="margin: 0 0 20px 0; font-family: monospace; font-size: 16px;"><strong>TLP:${d.tlp}</strong></p>${p(
        d.title === null
          ? html`<strong>${d.reference}</strong>`
          : html`<strong>${d.reference}: ${d.title}</strong>`,
      )}${p(
        `It was sent on ${ukDateTimeWithZone(d.releasedAt)}. These member councils had it delivered but nobody has followed its acknowledgement link, more than ${d.hours} hours later:`,
      )}${summary(d.councils.map((c) => [`${c.name} (${c.code})`, `Delivered ${ukDateTimeWithZone(c.deliveredAt)}`] as const))}${p(
        html`Please check that each of them has seen it. ${link(d.reportUrl, 'See the delivery report')}.`,
      )}<p style="margin: 20px 0; font-family: monospace;">END OF TLP:${d.tlp} CONTENT</p>`,
    }),
});
