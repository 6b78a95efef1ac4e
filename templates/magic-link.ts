// A single-use sign-in link for council staff, scoped to their council.
import {
  callToAction,
  defineTemplate,
  html,
  layout,
  line,
  p,
  textLayout,
  ukDateTimeWithZone,
} from './template.js';

export interface MagicLinkData {
  serviceName: string;
  authorityName: string;
  signInUrl: string;
  expiresAt: Date;
}

const title = (d: MagicLinkData) => `Sign in to ${line(d.serviceName)}`;

export default defineTemplate<MagicLinkData>({
  subject: (d) => `${title(d)} for ${line(d.authorityName)}`,

  text: (d) =>
    textLayout(d.serviceName, [
      `Use this link to sign in to ${line(d.serviceName)} for ${line(d.authorityName)}:`,
      d.signInUrl,
      `The link works once. It expires on ${ukDateTimeWithZone(d.expiresAt)}.`,
      'If you did not ask to sign in, ignore this e-mail: nobody can use it without this link. Do not forward it.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${p(html`Use this link to sign in to ${d.serviceName} for ${d.authorityName}.`)}${callToAction(
        d.signInUrl,
        'Sign in',
      )}${p(`The link works once. It expires on ${ukDateTimeWithZone(d.expiresAt)}.`)}${p(
        'If you did not ask to sign in, ignore this e-mail: nobody can use it without this link. Do not forward it.',
      )}`,
    }),
});
