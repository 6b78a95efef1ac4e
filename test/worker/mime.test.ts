// The MIME builder behind the HTTP mail adapters: what it writes must read back the same through a real
// parser (mailparser), stay 7-bit with CRLF line ends and short lines, and refuse what every adapter refuses.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  addressHeader,
  encodeWords,
  formatDate,
  quotedPrintable,
  unstructuredHeader,
} from '../../src/mail/mime.js';
import { buildMimeMessage } from '../../src/mail/mime-message.js';
import type { OutgoingMessage } from '../../src/ports/mailer.js';

const date = new Date('2026-11-30T09:05:07Z');
const base: OutgoingMessage = {
  to: 'cyber@cardiff.gov.uk',
  from: 'Council cyber contacts <no-reply@cyber-contacts.test>',
  replyTo: 'NCSC duty desk <duty@ncsc.example>',
  subject: 'TLP:AMBER NCSC-2026-0001: Actively exploited VPN vulnerability',
  text: 'Patch today.\n\nLine two.',
  html: '<p>Patch <strong>today</strong>.</p>',
  messageId: '<delivery.abc123@cyber-contacts.test>',
  envelopeFrom: 'bounces+abc123@cyber-contacts.test',
  headers: {
    'X-TLP': 'AMBER',
    'In-Reply-To': '<delivery.prev@cyber-contacts.test>',
    References: '<advisory.t1@cyber-contacts.test> <delivery.prev@cyber-contacts.test>',
  },
};

const parse = (raw: string) => simpleParser(Buffer.from(raw, 'latin1'));

function expectWellFormed(raw: string) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for 7-bit text is the point
  expect(raw).toMatch(/^[\u0000-\u007f]*$/);
  expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only, never a bare CR or LF
  for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
}

describe('buildMimeMessage', () => {
  it('writes a multipart/alternative message that a real parser reads back field for field', async () => {
    const raw = buildMimeMessage(base, { from: 'unused <x@y.z>', date, boundary: '=_cc_test' });
    expectWellFormed(raw);
    const m = await parse(raw);
    expect(m.from?.value).toEqual([
      { address: 'no-reply@cyber-contacts.test', name: 'Council cyber contacts' },
    ]);
    expect(m.to).toMatchObject({ value: [{ address: 'cyber@cardiff.gov.uk', name: '' }] });
    expect(m.replyTo?.value).toEqual([{ address: 'duty@ncsc.example', name: 'NCSC duty desk' }]);
    expect(m.subject).toBe(base.subject);
    expect(m.messageId).toBe(base.messageId);
    expect(m.inReplyTo).toBe('<delivery.prev@cyber-contacts.test>');
    expect(m.references).toEqual([
      '<advisory.t1@cyber-contacts.test>',
      '<delivery.prev@cyber-contacts.test>',
    ]);
    expect(m.headers.get('x-tlp')).toBe('AMBER');
    expect(m.date?.toISOString()).toBe(date.toISOString());
    expect(m.text).toBe('Patch today.\n\nLine two.');
    expect(m.html).toBe(base.html);
    expect(raw).toContain('Content-Type: multipart/alternative; boundary="=_cc_test"');
    expect(raw.indexOf('text/plain')).toBeLessThan(raw.indexOf('text/html')); // the richer part last
    // The envelope sender is not a header: the sending system records it on delivery.
    expect(raw).not.toMatch(/^Return-Path:/im);
  });

  it('encodes non-ASCII subjects, names and bodies, and keeps every line short', async () => {
    const subject = `Bulletin — Cyngor Sir Ynys Môn: “patch now” ✓ ${'ü'.repeat(60)} 🚨 end`;
    const text = `Diolch — ${'long line with = signs and trailing space '.repeat(6)} \nÜmlaut ✓ 🚨\n.leading dot\n`;
    const html = `<p>${'è'.repeat(200)}</p>`;
    const raw = buildMimeMessage(
      {
        ...base,
        subject,
        text,
        html,
        from: 'Canolfan Seiberddiogelwch — NCSC <no-reply@cyber-contacts.test>',
      },
      { from: 'x <x@y.z>', date },
    );
    expectWellFormed(raw);
    const [head, ...rest] = raw.split('\r\n\r\n');
    for (const line of head!.split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(78);
    for (const line of rest.join('\r\n\r\n').split('\r\n')) expect(line.length, line).toBeLessThanOrEqual(76);
    const m = await parse(raw);
    expect(m.subject).toBe(subject);
    expect(m.from?.value[0]).toEqual({
      address: 'no-reply@cyber-contacts.test',
      name: 'Canolfan Seiberddiogelwch — NCSC',
    });
    expect(m.text).toBe(text);
    expect(m.html).toBe(html);
  });

  it('sends a text-only message as a single text/plain part', async () => {
    const raw = buildMimeMessage({ ...base, html: undefined }, { from: 'x <x@y.z>', date });
    expect(raw).not.toContain('multipart');
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8\r$/m);
    const m = await parse(raw);
    expect(m.text).toBe('Patch today.\n\nLine two.');
    expect(m.html).toBe(false);
  });

  it('uses the default From, and writes an internationalised domain in ASCII', async () => {
    const raw = buildMimeMessage(
      { ...base, from: undefined, to: 'diogelwch@cyngor-môn.example' },
      { from: 'Council cyber contacts <no-reply@cyber-contacts.test>', date },
    );
    expect(raw).toMatch(/^To: diogelwch@xn--cyngor-mn-\w+\.example\r$/m);
    expect(raw).toMatch(/^From: Council cyber contacts <no-reply@cyber-contacts\.test>\r$/m);
  });

  it('refuses header injection, extra headers that would replace its own, and a second recipient', () => {
    const date = new Date();
    const attempts: Array<Partial<OutgoingMessage>> = [
      { subject: 'Hello\r\nBcc: victim@example.com' },
      { to: 'a@example.com, b@example.com' },
      { to: 'a@example.com\nBcc: b@example.com' },
      { headers: { Bcc: 'victim@example.com' } },
      { headers: { 'X-Note': 'ok\r\nBcc: victim@example.com' } },
      { headers: { 'Bad Name': 'x' } },
      { messageId: '<a@b> <c@d>' },
      { to: 'dïogelwch@example.com' }, // SES cannot send to a non-ASCII local part
    ];
    for (const change of attempts)
      expect(
        () => buildMimeMessage({ ...base, ...change }, { from: 'x <x@y.z>', date }),
        JSON.stringify(change),
      ).toThrow(AppError);
  });
});

describe('the encodings', () => {
  it('quoted-printable: = and trailing white space are encoded, lines break softly at 76', () => {
    expect(quotedPrintable('a=b')).toBe('a=3Db');
    expect(quotedPrintable('end \nnext\t')).toBe('end=20\r\nnext=09');
    expect(quotedPrintable('é')).toBe('=C3=A9');
    const long = quotedPrintable('x'.repeat(200));
    expect(long.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    expect(long.replace(/=\r\n/g, '')).toBe('x'.repeat(200));
    // A soft break never splits an =XX escape.
    const escaped = quotedPrintable('é'.repeat(40));
    for (const line of escaped.split('\r\n')) expect(line).toMatch(/^(=[0-9A-F]{2})+=?$/);
  });

  it('encoded-words never split a character, and each is at most 75 characters', () => {
    const words = encodeWords('🚨'.repeat(30));
    for (const w of words) {
      expect(w.length).toBeLessThanOrEqual(75);
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(
        Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64'),
      );
      expect([...decoded].every((c) => c === '🚨')).toBe(true);
    }
  });

  it('headers: ASCII stays readable, specials are quoted, and the date is RFC 5322', () => {
    expect(unstructuredHeader('X-TLP', 'AMBER+STRICT')).toBe('X-TLP: AMBER+STRICT');
    expect(unstructuredHeader('Subject', 'looks =?like?= a word')).toMatch(/^Subject: =\?UTF-8\?B\?/);
    expect(addressHeader('From', 'N.C.S.C. <a@b.example>')).toBe('From: "N.C.S.C." <a@b.example>');
    expect(addressHeader('To', 'a@b.example')).toBe('To: a@b.example');
    expect(formatDate(new Date('2026-01-02T03:04:05Z'))).toBe('Fri, 02 Jan 2026 03:04:05 +0000');
  });
});
