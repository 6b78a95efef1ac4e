// A fan-out's message encoded once and filled in per copy: every copy must read back through a real
// parser (mailparser) exactly as if it had been built on its own, with its own To, Message-ID, threading
// headers and slot values, and refuse what a single message refuses.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { buildMimeMessage, mimeTemplate } from '../../src/mail/mime-message.js';

const ACK = 'https://ack.invalid/SLOT0';
const WHO = 'WHOSLOT1';
const date = new Date('2026-12-05T09:00:00Z');
const longPrefix = 'Acknowledge this advisory by opening this link, which is yours alone and works once: ';

const template = () =>
  mimeTemplate({
    from: 'Council cyber contacts <no-reply@cyber-contacts.test>',
    replyTo: 'duty@ncsc.example',
    subject: 'TLP:AMBER NCSC-2026-0042: Exploited VPN — patch now',
    text: `Dear ${WHO},\n\n${longPrefix}${ACK}\n\nA line with = and trailing space \nLast line, no slot.`,
    html: `<p>Dear ${WHO},</p><p><a href="${ACK}">${longPrefix}${ACK}</a></p>`,
    headers: { 'X-TLP': 'AMBER', 'Auto-Submitted': 'auto-generated' },
    slots: [ACK, WHO],
  });

describe('mimeTemplate', () => {
  it('fills each copy with its own recipient, ids and slot values, and reads back like a single message', async () => {
    const t = template();
    const copies = [
      { to: 'cyber@cardiff.gov.uk', who: 'Cyngor Sir Ynys Môn', ack: 'https://cc.test/ack/aaa=1' },
      { to: 'soc@camden.gov.uk', who: 'London Borough of Camden & co', ack: 'https://cc.test/ack/bbb' },
    ];
    for (const [i, c] of copies.entries()) {
      const raw = t.fill({
        to: c.to,
        messageId: `<delivery.d${i}@cyber-contacts.test>`,
        date,
        headers: { References: '<advisory.t1@cyber-contacts.test>' },
        text: [c.ack, c.who],
        html: [c.ack, c.who.replace('&', '&amp;')],
      });
      expect(raw).not.toMatch(/SLOT|[^\r]\n/); // every slot filled; CRLF line ends only
      for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
      expect(/^[\x20-\x7e\r\n\t]*$/.test(raw)).toBe(true); // 7-bit

      const parsed = await simpleParser(raw);
      const text = `Dear ${c.who},\n\n${longPrefix}${c.ack}\n\nA line with = and trailing space \nLast line, no slot.`;
      expect(parsed.text).toBe(text);
      expect(parsed.html).toBe(
        `<p>Dear ${c.who.replace('&', '&amp;')},</p><p><a href="${c.ack}">${longPrefix}${c.ack}</a></p>`,
      );
      expect(parsed.to).toMatchObject({ text: c.to });
      expect(parsed.messageId).toBe(`<delivery.d${i}@cyber-contacts.test>`);
      expect(parsed.subject).toBe('TLP:AMBER NCSC-2026-0042: Exploited VPN — patch now');
      expect(parsed.headers.get('references')).toBe('<advisory.t1@cyber-contacts.test>');
      expect(parsed.headers.get('x-tlp')).toBe('AMBER');
      expect(parsed.date?.toISOString()).toBe(date.toISOString());

      // the same message built alone, from the filled-in fields, reads back the same
      const alone = await simpleParser(
        buildMimeMessage(
          {
            to: c.to,
            from: 'Council cyber contacts <no-reply@cyber-contacts.test>',
            subject: parsed.subject!,
            text,
            html: parsed.html as string,
            messageId: parsed.messageId!,
          },
          { from: 'unused@x.test', date },
        ),
      );
      expect(alone.text).toBe(parsed.text);
      expect(alone.html).toBe(parsed.html);
    }
  });

  it('refuses a copy with a line break in a header, a second recipient or a reserved header', () => {
    const t = template();
    const copy = { to: 'a@b.gov.uk', messageId: '<d.1@cyber-contacts.test>', date, text: ['x', 'y'] };
    expect(() => t.fill({ ...copy, to: 'a@b.gov.uk\r\nBcc: evil@x.test' })).toThrow(AppError);
    expect(() => t.fill({ ...copy, to: 'a@b.gov.uk, evil@x.test' })).toThrow(AppError);
    expect(() => t.fill({ ...copy, headers: { References: 'x\r\nBcc: evil@x.test' } })).toThrow(AppError);
    expect(() => t.fill({ ...copy, headers: { Bcc: 'evil@x.test' } })).toThrow(AppError);
    expect(() => t.fill({ ...copy, messageId: 'not-an-id' })).toThrow(AppError);
    // and a slot value with a line break stays in the body, never reaching a header
    const raw = t.fill({ ...copy, text: ['x\r\nBcc: evil@x.test', 'y'] });
    expect(raw.split('\r\n\r\n')[0]).not.toMatch(/Bcc/i);
  });

  it('refuses shared headers that would inject a line or replace its own', () => {
    const base = { from: 'a@b.test', subject: 's', text: 't' };
    expect(() => mimeTemplate({ ...base, subject: 's\nBcc: x@y.test' })).toThrow(AppError);
    expect(() => mimeTemplate({ ...base, headers: { To: 'x@y.test' } })).toThrow(AppError);
  });
});
