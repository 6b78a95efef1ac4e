import { describe, expect, it } from 'vitest';
import { ukCalendarDay, ukDate, ukDateTime } from '../../src/domain/uk-time.js';
import approvalNeededTemplate from '../../templates/approval-needed.js';
import confirmationTemplate from '../../templates/confirmation.js';
import confirmedTemplate from '../../templates/confirmed.js';
import handoverRefusedTemplate from '../../templates/handover-refused.js';
import handoverRequestTemplate from '../../templates/handover-request.js';
import magicLinkTemplate from '../../templates/magic-link.js';
import mailboxReplacedTemplate from '../../templates/mailbox-replaced.js';
import { escapeHtml, html, type MailTemplate, raw, ukDateTimeWithZone } from '../../templates/template.js';
import {
  approvalNeeded,
  confirmation,
  confirmed,
  handoverRefused,
  handoverRequest,
  magicLink,
  mailboxReplaced,
} from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: a table of templates with different data types
type AnyTemplate = MailTemplate<any>;

const cases: Array<{ name: string; template: AnyTemplate; data: Record<string, unknown>; link?: string }> = [
  { name: 'confirmation', template: confirmationTemplate, data: { ...confirmation }, link: 'confirmUrl' },
  {
    name: 'confirmation (re-confirmation)',
    template: confirmationTemplate,
    data: { ...confirmation, isReconfirmation: true },
    link: 'confirmUrl',
  },
  { name: 'confirmed', template: confirmedTemplate, data: { ...confirmed } },
  { name: 'magic-link', template: magicLinkTemplate, data: { ...magicLink }, link: 'signInUrl' },
  {
    name: 'approval-needed',
    template: approvalNeededTemplate,
    data: { ...approvalNeeded },
    link: 'reviewUrl',
  },
  { name: 'mailbox-replaced', template: mailboxReplacedTemplate, data: { ...mailboxReplaced } },
  {
    name: 'handover-request',
    template: handoverRequestTemplate,
    data: { ...handoverRequest },
    link: 'answerUrl',
  },
  {
    name: 'handover-refused',
    template: handoverRefusedTemplate,
    data: { ...handoverRefused },
    link: 'authorityUrl',
  },
];

const evil = `<script>alert("pwned")</script>"onmouseover="x'&`;

/** The same data with every string (and every string in an array) replaced by hostile text. */
function hostile(data: Record<string, unknown>, value: (key: string) => string) {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [
      k,
      typeof v === 'string' ? value(k) : Array.isArray(v) ? v.map(() => value(k)) : v,
    ]),
  );
}

describe('templates', () => {
  it.each(cases)(
    '$name: escapes <script> and quotes in every field of the HTML part',
    ({ template, data }) => {
      const stringFields = Object.entries(data).filter(([, v]) => typeof v === 'string' || Array.isArray(v));
      expect(stringFields.length).toBeGreaterThan(2);
      for (const [field] of stringFields) {
        const out = template.html(hostile(data, (k) => (k === field ? `${field}:${evil}` : String(data[k]))));
        expect(out, field).not.toContain('<script');
        expect(out, field).not.toContain('"onmouseover=');
        expect(out, field).toContain(`${field}:${escapeHtml(evil)}`);
      }
      const all = template.html(hostile(data, (k) => `${k}:${evil}`));
      expect(all).not.toContain('<script');
      expect(all).not.toContain('alert("pwned")');
      expect(all).not.toContain('href="javascript');
    },
  );

  it.each(cases)(
    '$name: a hostile link cannot break out of href or become javascript:',
    ({ template, data, link }) => {
      if (!link) return;
      const out = template.html({ ...data, [link]: 'https://x.test/a?b="><script>alert(1)</script>' });
      expect(out).not.toContain('"><script>');
      expect(out).toContain('href="https://x.test/a?b=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      const js = template.html({ ...data, [link]: 'javascript:alert(1)' });
      expect(js).not.toContain('href="javascript:');
    },
  );

  it.each(cases)('$name: the text part carries the link on a line of its own', ({ template, data, link }) => {
    const text = template.text(data);
    if (link) expect(text.split('\n')).toContain(data[link]);
    expect(text).toContain(String(data.serviceName));
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it.each(cases)('$name: the subject never has CR or LF, even when the data does', ({ template, data }) => {
    const subject = template.subject(hostile(data, (k) => `${k}\r\nBcc: evil@example.com\n\rX`));
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.length).toBeGreaterThan(5);
    expect(template.subject(data)).toContain(
      String(data.authorityName ?? data.serviceName).replace(/\r|\n/g, ''),
    );
  });

  it.each(cases)('$name: the HTML part is a plain, accessible document', ({ template, data }) => {
    const out = template.html(data);
    expect(out).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(out).toContain('<meta charset="utf-8">');
    expect(out).toMatch(/<h1[^>]*>[^<]+<\/h1>/);
    expect(out).not.toMatch(/<script|<img|<link|src=|url\(/i);
    expect(out).toContain('Council cyber contacts');
  });

  it('confirmation: who, which council, the link, when it expires and what to do if unexpected', () => {
    const text = confirmationTemplate.text(confirmation);
    expect(text).toContain('Someone asked for this address, security@cardiff.gov.uk');
    // The registrant's words come after the link, labelled as theirs.
    expect(text.indexOf('ICT Security Team')).toBeGreaterThan(text.indexOf('/confirm/abc123'));
    expect(text).toContain('Team name, as the person who registered it typed it (we have not checked it)');
    expect(text).toContain('primary cyber security mailbox for Cardiff Council');
    expect(text).toContain('It expires on 2 December 2026 at 9:00am (UK time).');
    expect(text).toContain(
      'If you did not expect this e-mail, ignore it: nothing will be sent to this address.',
    );
    expect(confirmationTemplate.subject(confirmation)).toBe(
      'Confirm the security mailbox for Cardiff Council',
    );
    const html = confirmationTemplate.html(confirmation);
    expect(html).toContain('href="https://cyber-contacts.example.gov.uk/confirm/abc123"');
    expect(html).toContain('2 December 2026 at 9:00am (UK time)');
  });

  it('confirmation: a phishing team name never opens the message, and its links are defanged', () => {
    const lure = {
      ...confirmation,
      team: 'URGENT: your account is locked, log in at https://evil.example/login',
    };
    const text = confirmationTemplate.text(lure);
    const html = confirmationTemplate.html(lure);
    const firstLine = text.split('\n').find((l) => l.trim() && !l.includes('Council cyber contacts')) ?? '';
    expect(firstLine).not.toContain('URGENT');
    expect(text).not.toContain('https://evil.example');
    expect(text).toContain('hxxps://evil[.]example/login');
    expect(html).not.toContain('href="https://evil.example');
    expect(html).not.toContain('https://evil.example');
    expect(confirmationTemplate.subject(lure)).not.toContain('URGENT');
  });

  it('approval-needed lists the known domains, or says there are none', () => {
    expect(approvalNeededTemplate.text(approvalNeeded)).toContain(
      'Known domains: cardiff.gov.uk, caerdydd.gov.uk',
    );
    expect(approvalNeededTemplate.text({ ...approvalNeeded, knownDomains: [] })).toContain(
      'Known domains: none recorded',
    );
    expect(approvalNeededTemplate.subject(approvalNeeded)).toBe(
      'Approval needed: soc@cardiff-it.example.com for Cardiff Council (CRF)',
    );
  });

  it('mailbox-replaced names both addresses', () => {
    const text = mailboxReplacedTemplate.text(mailboxReplaced);
    expect(text).toContain('Old address: it-security@cardiff.gov.uk');
    expect(text).toContain('New address: security@cardiff.gov.uk');
  });
});

describe('template helpers', () => {
  it('shows dates in UK time, GMT and BST', () => {
    expect(ukDateTimeWithZone(new Date('2026-12-02T09:00:00Z'))).toBe('2 December 2026 at 9:00am (UK time)');
    expect(ukDateTimeWithZone(new Date('2026-07-02T12:30:00Z'))).toBe('2 July 2026 at 1:30pm (UK time)');
    expect(ukDateTimeWithZone(new Date('2026-07-02T11:00:00Z'))).toBe('2 July 2026 at midday (UK time)');
    expect(ukDateTimeWithZone(new Date('2026-01-15T00:00:00Z'))).toBe(
      '15 January 2026 at midnight (UK time)',
    );
  });

  it('formats dates one way for pages and e-mail (the shared UK formatter)', () => {
    expect(ukDateTime('2026-07-02T11:00:00Z')).toBe('2 July 2026 at midday');
    expect(ukDateTime(new Date('2026-12-02T17:05:00Z'))).toBe('2 December 2026 at 5:05pm');
    // Just before midnight UTC in summer is already the next day in the UK.
    expect(ukDate('2026-07-02T23:30:00Z')).toBe('3 July 2026');
    expect(ukCalendarDay('2026-03-29')).toBe('29 March 2026');
  });

  it('html escapes values, keeps SafeHtml and arrays, drops null/undefined/booleans', () => {
    const out = html`<p title="${'a"b'}">${'<b>'}${raw('<i>ok</i>')}${['<x>', html`<y>`]}${null}${undefined}${false}${3}</p>`;
    expect(out.value).toBe('<p title="a&quot;b">&lt;b&gt;<i>ok</i>&lt;x&gt;<y>3</p>');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
