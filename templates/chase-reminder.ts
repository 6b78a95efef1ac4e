// To a council's registered addresses, from the chase list: its cyber security mailbox is not confirmed (or
// no longer is), and what to do about it.
import { callToAction, defineTemplate, html, layout, line, link, p, textLayout } from './template.js';

export interface ChaseReminderData {
  serviceName: string;
  authorityName: string;
  /** What is missing, in words ("Pending confirmation since 3 November 2026"). */
  reason: string;
  /** Who is asking: "the NCSC" or "Wales WARP". */
  from: string;
  registerUrl: string;
  signInUrl: string;
}

export default defineTemplate<ChaseReminderData>({
  subject: (d) => `Action needed: ${line(d.authorityName)}’s cyber security mailbox is not confirmed`,

  text: (d) =>
    textLayout(d.serviceName, [
      `${line(d.from)} cannot yet rely on a confirmed cyber security mailbox for ${line(d.authorityName)}: ${line(d.reason)}.`,
      'Security advisories and warnings go only to confirmed mailboxes. To receive them:',
      `- if you have a confirmation link from us, follow it;\n- otherwise sign in with this address to see your council's mailboxes and ask for a new link: ${d.signInUrl}\n- or register your team's mailbox: ${d.registerUrl}`,
      'If this address is not the right one for your council’s cyber security team, please pass this on to them.',
    ]),

  html: (d) =>
    layout({
      serviceName: d.serviceName,
      title: 'Your council’s cyber security mailbox is not confirmed',
      body: html`${p(
        html`${d.from} cannot yet rely on a confirmed cyber security mailbox for ${d.authorityName}: ${d.reason}.`,
      )}${p('Security advisories and warnings go only to confirmed mailboxes. If you have a confirmation link from us, follow it. Otherwise sign in with this address to see your council’s mailboxes and ask for a new link, or register your team’s mailbox.')}${callToAction(d.signInUrl, 'Sign in')}${p(html`Or ${link(d.registerUrl, 'register a mailbox')}.`)}${p('If this address is not the right one for your council’s cyber security team, please pass this on to them.')}`,
    }),
});
