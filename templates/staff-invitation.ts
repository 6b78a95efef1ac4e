// To someone just added as staff: what they can do, and how to sign in (the sign-in page e-mails them a
// link: this message carries no secret, so it can sit in a mailbox).
import { callToAction, defineTemplate, html, layout, line, p, textLayout } from './template.js';

export interface StaffInvitationData {
  serviceName: string;
  name: string;
  /** "an NCSC administrator" or "an operator of Wales WARP". */
  role: string;
  signInUrl: string;
}

export default defineTemplate<StaffInvitationData>({
  subject: (d) => `You have been added to ${line(d.serviceName)}`,

  text: (d) =>
    textLayout(d.serviceName, [
      `${line(d.name)}, you have been added to ${line(d.serviceName)} as ${line(d.role)}.`,
      `To sign in, open ${d.signInUrl} and enter this e-mail address: we e-mail you a link that signs you in.`,
      'If you did not expect this, tell the NCSC team that runs the service.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: `You have been added to ${d.serviceName}`,
      body: html`${p(html`${d.name}, you have been added to ${d.serviceName} as ${d.role}.`)}${p(
        'To sign in, open the sign-in page and enter this e-mail address: we e-mail you a link that signs you in.',
      )}${callToAction(d.signInUrl, 'Go to the sign-in page')}${p('If you did not expect this, tell the NCSC team that runs the service.')}`,
    }),
});
