// Sent to a newly registered (or re-confirming) mailbox: proves the mailbox is real and read. Anyone can
// register an address, so what the registrant typed (the team name) never opens the message and is shown
// only further down, labelled as theirs, with links defanged: it cannot pose as the service's own words.
import {
  callToAction,
  defineTemplate,
  html,
  inset,
  kindLabel,
  layout,
  line,
  type MailboxKind,
  p,
  textLayout,
  ukDateTimeWithZone,
  untrusted,
} from './template.js';

export interface ConfirmationData {
  serviceName: string;
  authorityName: string;
  address: string;
  kind: MailboxKind;
  /** The team name given at registration. */
  team: string;
  confirmUrl: string;
  expiresAt: Date;
  /** A scheduled re-confirmation of a mailbox that is already registered. */
  isReconfirmation?: boolean;
}

function title(d: ConfirmationData): string {
  return d.isReconfirmation
    ? `Confirm this is still the security mailbox for ${line(d.authorityName)}`
    : `Confirm the security mailbox for ${line(d.authorityName)}`;
}

export default defineTemplate<ConfirmationData>({
  subject: (d) => title(d),

  text: (d) =>
    textLayout(d.serviceName, [
      d.isReconfirmation
        ? `This address, ${line(d.address)}, is registered as the ${kindLabel(d.kind)} cyber security mailbox for ${line(d.authorityName)} on ${line(d.serviceName)}. Please confirm it is still in use and read.`
        : `Someone asked for this address, ${line(d.address)}, to be the ${kindLabel(d.kind)} cyber security mailbox for ${line(d.authorityName)} on ${line(d.serviceName)}.`,
      'To confirm that this mailbox is read and should receive cyber security alerts, open this link:',
      d.confirmUrl,
      `The link works once. It expires on ${ukDateTimeWithZone(d.expiresAt)}.`,
      `Team name, as the person who registered it typed it (we have not checked it): ${untrusted(d.team)}`,
      d.isReconfirmation
        ? 'If you did not expect this e-mail, or this mailbox should no longer receive alerts for your council, do not open the link and tell your council’s IT security team.'
        : 'If you did not expect this e-mail, ignore it: nothing will be sent to this address.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: title(d),
      body: html`${
        d.isReconfirmation
          ? p(
              html`This address, <strong>${d.address}</strong>, is registered as the ${kindLabel(d.kind)} cyber security mailbox for ${d.authorityName} on ${d.serviceName}. Please confirm it is still in use and read.`,
            )
          : p(
              html`Someone asked for this address, <strong>${d.address}</strong>, to be the ${kindLabel(d.kind)} cyber security mailbox for ${d.authorityName} on ${d.serviceName}.`,
            )
      }${p('To confirm that this mailbox is read and should receive cyber security alerts, use this link:')}${callToAction(
        d.confirmUrl,
        'Confirm this mailbox',
      )}${p(`The link works once. It expires on ${ukDateTimeWithZone(d.expiresAt)}.`)}${p(
        html`Team name, as the person who registered it typed it (we have not checked it): ${untrusted(d.team)}`,
      )}${inset(
        d.isReconfirmation
          ? 'If you did not expect this e-mail, or this mailbox should no longer receive alerts for your council, do not use the link and tell your council’s IT security team.'
          : 'If you did not expect this e-mail, ignore it: nothing will be sent to this address.',
      )}`,
    }),
});
