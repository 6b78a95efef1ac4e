// A reachability drill's e-mail: an exercise, marked as one everywhere a reader looks (the subject, a banner
// at the top of both parts, TLP:CLEAR), that asks only for an acknowledgement. It carries no advisory content
// and none of an alert's words, so nobody can take it for a real one.
import {
  callToAction,
  defineTemplate,
  html,
  inset,
  layout,
  line,
  p,
  raw,
  textLayout,
  ukDateTimeWithZone,
} from './template.js';

export interface DrillEmailData {
  serviceName: string;
  reference: string;
  /** The council it went to, by name. */
  councilName: string;
  /** The acknowledgement link of this path. */
  ackUrl: string;
  /** When the drill's window closes. */
  closesAt: Date;
  /** Who ran it: "the NCSC" or the WARP's name. */
  runBy: string;
}

export const DRILL_BANNER = 'This is an exercise, not a security advisory';

export function drillSubject(reference: string): string {
  return `[EXERCISE] Reachability drill ${line(reference)} — no action but to acknowledge`;
}

const banner = raw(
  '<div style="font-family: Helvetica, Arial, sans-serif; font-size: 24px; font-weight: 700; color: #0b0c0c; background-color: #ffdd00; padding: 15px 20px; margin: 0 0 20px 0; border: 5px solid #0b0c0c;">',
);

export default defineTemplate<DrillEmailData>({
  subject: (d) => drillSubject(d.reference),

  text: (d) =>
    textLayout(d.serviceName, [
      `*** ${DRILL_BANNER.toUpperCase()} ***`,
      'TLP:CLEAR',
      `Reachability drill ${line(d.reference)} for ${line(d.councilName)}, run by ${line(d.runBy)}.`,
      'We are checking that we can reach your council when it matters. There is nothing to fix and nothing to forward: please only confirm that your team received this message by following this link:',
      d.ackUrl,
      `Please acknowledge by ${ukDateTimeWithZone(d.closesAt)}. The link opens a page with one button; following the link alone records nothing.`,
      `*** ${DRILL_BANNER.toUpperCase()} ***`,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: `Exercise: reachability drill ${d.reference}`,
      body: html`${banner}${DRILL_BANNER}</div><p style="margin: 0 0 20px 0; font-family: monospace; font-size: 16px;"><strong>TLP:CLEAR</strong></p>${p(
        `Reachability drill ${d.reference} for ${d.councilName}, run by ${d.runBy}.`,
      )}${p(
        'We are checking that we can reach your council when it matters. There is nothing to fix and nothing to forward: please only confirm that your team received this message.',
      )}${callToAction(d.ackUrl, 'Acknowledge this drill')}${inset(
        `Please acknowledge by ${ukDateTimeWithZone(d.closesAt)}. The link opens a page with one button; following the link alone records nothing.`,
      )}`,
    }),
});
