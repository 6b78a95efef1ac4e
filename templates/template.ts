// What every e-mail template shares: the template type, HTML escaping, UK dates and the plain,
// accessible GOV.UK-like layout. No node:* imports: templates render on Node and on Workers.
import type { MailboxKind } from '../src/domain/mailbox-states.js';
import { ukDateTime } from '../src/domain/uk-time.js';
import { safeUrl } from '../src/lib/safe-url.js';
import { headerText } from '../src/mail/headers.js';
import type { MailTemplate } from '../src/mail/mail-template.js';

export type { MailboxKind, MailTemplate };

/**
 * Defines a template whose subject can never carry a line break or control character, whatever
 * the data: the rendered subject goes through `headerText` (each template also passes its values
 * through it).
 */
export function defineTemplate<Data>(template: MailTemplate<Data>): MailTemplate<Data> {
  return {
    subject: (data) => headerText(template.subject(data)),
    text: (data) => template.text(data),
    html: (data) => template.html(data),
  };
}

// ---------------------------------------------------------------------------------------------
// HTML: escaped by default

/** HTML that is already safe (built by `html` or marked with `raw`); inserted as it is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and for double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => htmlEscapes[ch] ?? ch);
}

/** Marks trusted markup as safe. Never pass data through this. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function renderValue(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  if (value === null || value === undefined || value === false || value === true) return '';
  return escapeHtml(String(value));
}

/** A tagged template: every interpolated value is escaped unless it is SafeHtml (or an array of it). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Text someone typed that we did not check (a team name given at registration), shown in an e-mail: on
 * one line, and with anything that looks like a link or domain defanged (`hxxps://evil[.]example`), so no
 * mail client turns it into a link.
 */
export function untrusted(value: string): string {
  return line(value)
    .replace(/\bhttp(s?)(?=:\/\/)/gi, 'hxxp$1')
    .replace(/\b([\w-]+)\.(?=[\w-]+\b)/g, (whole, label: string, offset: number, all: string) =>
      /[a-z]/i.test(label) && /^\.[a-z]/i.test(all.slice(offset + label.length)) ? `${label}[.]` : whole,
    );
}

/** A value on one line of the text part: control characters and line breaks collapse to spaces. */
export function line(value: string): string {
  return headerText(value);
}

// ---------------------------------------------------------------------------------------------
// Words

/** "2 December 2026 at 9:00am (UK time)": GOV.UK style, in the Europe/London time zone. */
export function ukDateTimeWithZone(date: Date): string {
  return `${ukDateTime(date)} (UK time)`;
}

const kindLabels: Record<MailboxKind, string> = {
  primary: 'primary',
  secondary: 'secondary',
  'out-of-hours': 'out-of-hours',
};

/** "primary", "secondary", "out-of-hours" (unknown kinds are shown as given, on one line). */
export function kindLabel(kind: MailboxKind | string): string {
  return kindLabels[kind as MailboxKind] ?? line(kind);
}

// ---------------------------------------------------------------------------------------------
// Layout

const font = 'font-family: Helvetica, Arial, sans-serif;';
const text = `${font} font-size: 19px; line-height: 1.32; color: #0b0c0c;`;

/** A paragraph of body text. */
export function p(content: SafeHtml | string): SafeHtml {
  return html`<p style="${raw(text)} margin: 0 0 20px 0;">${content}</p>`;
}

/** A link, shown with its full address so it can be copied when the link cannot be followed. */
export function link(url: string, label?: string): SafeHtml {
  const href = safeUrl(url);
  return html`<a href="${href}" style="color: #1d70b8; text-decoration: underline;">${label ?? url}</a>`;
}

/** A call to action: a prominent link, then the address itself on its own line. */
export function callToAction(url: string, label: string): SafeHtml {
  return html`${p(html`<strong>${link(url, label)}</strong>`)}${p(
    html`Or copy this address into your browser:<br>${link(url)}`,
  )}`;
}

/** GOV.UK inset text: a grey bar on the left. */
export function inset(content: SafeHtml | string): SafeHtml {
  return html`<div style="${raw(text)} border-left: 10px solid #b1b4b6; padding: 15px; margin: 0 0 20px 0;">${content}</div>`;
}

/** A short list of label/value rows (a GOV.UK summary list in e-mail form). */
export function summary(rows: ReadonlyArray<readonly [string, HtmlValue]>): SafeHtml {
  return html`<table role="presentation" style="border-collapse: collapse; margin: 0 0 20px 0; width: 100%;">${rows.map(
    ([label, value]) =>
      html`<tr><th scope="row" style="${raw(text)} text-align: left; vertical-align: top; padding: 10px 20px 10px 0; border-bottom: 1px solid #b1b4b6; font-weight: 700;">${label}</th><td style="${raw(text)} vertical-align: top; padding: 10px 0; border-bottom: 1px solid #b1b4b6;">${value}</td></tr>`,
  )}</table>`;
}

export interface LayoutInput {
  serviceName: string;
  /** The heading, also the document title. */
  title: string;
  body: SafeHtml;
}

/** The whole HTML document: no scripts, no external images, readable without styles. */
export function layout({ serviceName, title, body }: LayoutInput): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${title}</title>
</head>
<body style="margin: 0; padding: 0; background-color: #ffffff;">
<table role="presentation" width="100%" style="border-collapse: collapse; width: 100%;">
<tr><td style="background-color: #0b0c0c; padding: 15px 20px;">
<span style="${raw(font)} font-size: 24px; line-height: 1.25; font-weight: 700; color: #ffffff;">${serviceName}</span>
</td></tr>
<tr><td style="background-color: #1d70b8; height: 10px; font-size: 0; line-height: 0;">&nbsp;</td></tr>
<tr><td style="padding: 30px 20px 10px 20px; max-width: 580px;">
<h1 style="${raw(font)} font-size: 32px; line-height: 1.1; font-weight: 700; color: #0b0c0c; margin: 0 0 30px 0;">${title}</h1>
${body}
</td></tr>
<tr><td style="padding: 20px; border-top: 1px solid #b1b4b6;">
<p style="${raw(font)} font-size: 16px; line-height: 1.25; color: #505a5f; margin: 0;">This e-mail was sent by ${serviceName}.</p>
</td></tr>
</table>
</body>
</html>
`.value;
}

/** The text part: the paragraphs separated by blank lines, then the same footer as the HTML part. */
export function textLayout(
  serviceName: string,
  paragraphs: ReadonlyArray<string | false | undefined>,
): string {
  const body = paragraphs.filter((s): s is string => typeof s === 'string' && s.length > 0).join('\n\n');
  return `${body}\n\n--\nThis e-mail was sent by ${line(serviceName)}.\n`;
}
