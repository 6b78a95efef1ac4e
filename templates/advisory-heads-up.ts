// Sent instead of a TLP:RED advisory an admin required to be encrypted, to a mailbox without a confirmed
// OpenPGP key (or when mail cannot be encrypted at all): no title, no content, only the reference, the TLP
// label and a link to sign in and read it on the council's own pages; the footer says where to check the
// e-mail is genuine.
import { callToAction, defineTemplate, html, layout, line, link, p, textLayout } from './template.js';

export interface AdvisoryHeadsUpData {
  serviceName: string;
  reference: string;
  tlp: string;
  readUrl: string;
  recipientLabel: string;
  /** The public "Is this genuine?" page (`<PUBLIC_BASE_URL>/genuine`). */
  genuineUrl: string;
}

const title = (d: AdvisoryHeadsUpData) =>
  `${line(d.reference)}: a TLP:${line(d.tlp)} advisory is waiting for you`;

export default defineTemplate<AdvisoryHeadsUpData>({
  subject: (d) => title(d),

  text: (d) =>
    textLayout(d.serviceName, [
      `An advisory marked TLP:${line(d.tlp)}, reference ${line(d.reference)}, was sent to ${line(d.recipientLabel)}.`,
      'It can only be e-mailed encrypted, and this mailbox has no confirmed encryption key. Sign in to read it:',
      d.readUrl,
      'To receive such advisories by e-mail, give this mailbox an OpenPGP key on your council’s account page.',
      `Check that this e-mail is genuine at ${d.genuineUrl}`,
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${p(
        html`An advisory marked <strong>TLP:${d.tlp}</strong>, reference <strong>${d.reference}</strong>, was sent to ${d.recipientLabel}.`,
      )}${p(
        'It can only be e-mailed encrypted, and this mailbox has no confirmed encryption key. Sign in to read it:',
      )}${callToAction(d.readUrl, 'Sign in to read it')}${p(
        'To receive such advisories by e-mail, give this mailbox an OpenPGP key on your council’s account page.',
      )}${p(html`Check that this e-mail is genuine at ${link(d.genuineUrl)}`)}`,
    }),
});
