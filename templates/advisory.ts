// The advisory e-mail: the TLP label in the subject and as the first line, the labelled content, an end
// marker, then the acknowledgement link; the footer says where to check the e-mail is genuine. Updates
// and cancellations say what they change.
import { type TlpLabel, tlpColours, tlpMeaning } from '../src/domain/tlp.js';
import { defineTemplate, html, layout, line, link, p, raw, type SafeHtml } from './template.js';

export interface AdvisoryData {
  serviceName: string;
  reference: string;
  kind: 'advisory' | 'update' | 'cancellation';
  /** The reference of the advisory this one updates or cancels. */
  originalReference?: string | null;
  title: string;
  summary: string;
  /** The body's Markdown source (text part) and its rendered, sanitised HTML (HTML part). */
  bodyText: string;
  bodyHtml: string;
  severity: string;
  tlp: string;
  cves: string[];
  references: string[];
  test: boolean;
  ackUrl: string;
  recipientLabel: string;
  /** The public "Is this genuine?" page (`<PUBLIC_BASE_URL>/genuine`). */
  genuineUrl: string;
}

const kindPrefix = (d: AdvisoryData) =>
  d.kind === 'update' ? 'UPDATE: ' : d.kind === 'cancellation' ? 'CANCELLED: ' : '';

const fullTitle = (d: AdvisoryData) => `${kindPrefix(d)}${line(d.reference)}: ${line(d.title)}`;

export default defineTemplate<AdvisoryData>({
  subject: (d) => `[TLP:${d.tlp}]${d.test ? ' [TEST]' : ''} ${fullTitle(d)}`,

  text: (d) => {
    const lines = [`TLP:${d.tlp}`, ''];
    if (d.test) lines.push('THIS IS A TEST MESSAGE. No action is needed.', '');
    lines.push(fullTitle(d), `Severity: ${d.severity}`);
    if (d.originalReference)
      lines.push(
        d.kind === 'cancellation'
          ? `This cancels ${d.originalReference}.`
          : `This updates ${d.originalReference}.`,
      );
    lines.push('', d.summary.trim(), '', d.bodyText.trim(), '');
    if (d.cves.length) lines.push(`CVEs: ${d.cves.join(', ')}`);
    if (d.references.length) lines.push('References:', ...d.references.map((r) => `- ${r}`));
    lines.push('', `END OF TLP:${d.tlp} CONTENT`, '');
    lines.push(`Acknowledge that your team has received this: ${d.ackUrl}`, '');
    lines.push(
      `Sent to ${d.recipientLabel} by ${d.serviceName}.`,
      `TLP:${d.tlp}: ${tlpMeaning(d.tlp)}`,
      `Check that this e-mail is genuine at ${d.genuineUrl}`,
    );
    return `${lines.join('\n')}\n`;
  },

  html: (d) => {
    const label = html`<p style="margin: 0 0 20px 0; font-family: monospace; font-size: 16px;"><span style="background-color: #000000; color: ${raw(tlpColours[d.tlp as TlpLabel] ?? '#FFFFFF')}; padding: 2px 6px; font-weight: 700;">TLP:${d.tlp}</span></p>`;
    const body: SafeHtml[] = [label];
    if (d.test) body.push(p(html`<strong>THIS IS A TEST MESSAGE.</strong> No action is needed.`));
    body.push(p(html`<strong>Severity:</strong> ${d.severity}`));
    if (d.originalReference)
      body.push(
        p(
          d.kind === 'cancellation'
            ? `This cancels ${d.originalReference}.`
            : `This updates ${d.originalReference}.`,
        ),
      );
    body.push(p(html`<strong>${d.summary}</strong>`));
    // The body was rendered from Markdown with raw HTML disabled: it is safe markup.
    body.push(
      raw(
        `<div style="font-family: Helvetica, Arial, sans-serif; font-size: 19px; line-height: 1.3;">${d.bodyHtml}</div>`,
      ),
    );
    if (d.cves.length) body.push(p(html`<strong>CVEs:</strong> ${d.cves.join(', ')}`));
    if (d.references.length) body.push(html`<ul>${d.references.map((r) => html`<li>${link(r)}</li>`)}</ul>`);
    body.push(html`<p style="margin: 20px 0; font-family: monospace;">END OF TLP:${d.tlp} CONTENT</p>`);
    body.push(p(html`<strong>${link(d.ackUrl, 'Acknowledge that your team has received this')}</strong>`));
    body.push(p(html`Sent to ${d.recipientLabel}. TLP:${d.tlp}: ${tlpMeaning(d.tlp)}`));
    body.push(p(html`Check that this e-mail is genuine at ${link(d.genuineUrl)}`));
    return layout({ serviceName: d.serviceName, title: fullTitle(d), body: html`${body}` });
  },
});
