// Sent to a mailbox, encrypted to the OpenPGP key just given for it: following the link proves the mailbox
// can decrypt what is encrypted to that key, and only then are advisories encrypted to it.
import {
  callToAction,
  defineTemplate,
  html,
  inset,
  layout,
  line,
  p,
  textLayout,
  ukDateTimeWithZone,
} from './template.js';

export interface KeyConfirmationData {
  serviceName: string;
  authorityName: string;
  address: string;
  /** Grouped hex, as shown on the council's page. */
  fingerprint: string;
  confirmUrl: string;
  expiresAt: Date;
}

const title = (d: KeyConfirmationData) => `Confirm the encryption key for ${line(d.authorityName)}`;

export default defineTemplate<KeyConfirmationData>({
  subject: (d) => title(d),

  text: (d) =>
    textLayout(d.serviceName, [
      `An OpenPGP key was given for ${line(d.address)}, the security mailbox of ${line(d.authorityName)}. Its fingerprint is:`,
      d.fingerprint,
      'You can read this because it was encrypted to that key. To use it for advisories marked TLP:AMBER or TLP:RED, open this link:',
      d.confirmUrl,
      `The link works once. It expires on ${ukDateTimeWithZone(d.expiresAt)}.`,
      'If you did not expect this, do not open the link: the key will not be used.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${p(
        html`An OpenPGP key was given for <strong>${d.address}</strong>, the security mailbox of ${d.authorityName}. Its fingerprint is:`,
      )}${p(html`<code>${d.fingerprint}</code>`)}${p(
        'You can read this because it was encrypted to that key. To use it for advisories marked TLP:AMBER or TLP:RED, use this link:',
      )}${callToAction(d.confirmUrl, 'Use this key')}${p(
        `The link works once. It expires on ${ukDateTimeWithZone(d.expiresAt)}.`,
      )}${inset('If you did not expect this, do not use the link: the key will not be used.')}`,
    }),
});
