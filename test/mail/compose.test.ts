import { describe, expect, it } from 'vitest';
import { addressOf, assertSingleAddress } from '../../src/mail/address.js';
import { composeMessage } from '../../src/mail/compose.js';
import { mailDomain, messageIdFor } from '../../src/mail/message-ids.js';
import confirmationTemplate from '../../templates/confirmation.js';
import { confirmation, mailConfig } from './fixtures.js';

describe('composeMessage', () => {
  const config = mailConfig();

  it('renders the template with From, Reply-To and a Message-ID on the mail domain', () => {
    const m = composeMessage(config, confirmationTemplate, confirmation, 'security@cardiff.gov.uk', {
      messageId: 'confirm-01ABC',
      headers: { 'X-Entity-Ref-ID': 'mb-1' },
      envelopeFrom: 'bounces+mb-1@mail.cyber-contacts.test',
    });
    expect(m).toEqual({
      to: 'security@cardiff.gov.uk',
      from: 'Council cyber contacts <no-reply@mail.cyber-contacts.test>',
      replyTo: 'support@cyber-contacts.test',
      subject: 'Confirm the security mailbox for Cardiff Council',
      text: confirmationTemplate.text(confirmation),
      html: confirmationTemplate.html(confirmation),
      messageId: '<confirm-01ABC@cyber-contacts.example.gov.uk>',
      envelopeFrom: 'bounces+mb-1@mail.cyber-contacts.test',
      headers: { 'X-Entity-Ref-ID': 'mb-1' },
    });
  });

  it('keeps a whole Message-ID, and makes a unique one when none is given', () => {
    const whole = composeMessage(config, confirmationTemplate, confirmation, 'a@b.test', {
      messageId: '<x.1@elsewhere.test>',
    });
    expect(whole.messageId).toBe('<x.1@elsewhere.test>');
    const a = composeMessage(config, confirmationTemplate, confirmation, 'a@b.test');
    const b = composeMessage(config, confirmationTemplate, confirmation, 'a@b.test');
    expect(a.messageId).toMatch(/^<[0-9a-f-]{36}@cyber-contacts\.example\.gov\.uk>$/);
    expect(a.messageId).not.toBe(b.messageId);
    expect(a.replyTo).toBe('support@cyber-contacts.test');
    expect(
      composeMessage(mailConfig({ MAIL_REPLY_TO: '' }), confirmationTemplate, confirmation, 'a@b.test'),
    ).not.toHaveProperty('replyTo');
  });

  it('refuses header values with line breaks', () => {
    expect(() =>
      composeMessage(config, confirmationTemplate, confirmation, 'a@b.test', {
        headers: { 'X-Ref': 'ok\r\nBcc: evil@example.com' },
      }),
    ).toThrow(/line break/);
    expect(() =>
      composeMessage(config, confirmationTemplate, confirmation, 'a@b.test\nBcc: evil@example.com'),
    ).toThrow(/line break/);
  });

  it('gives a safe subject when the authority name carries CR/LF', () => {
    const m = composeMessage(
      config,
      confirmationTemplate,
      { ...confirmation, authorityName: 'Evil\r\nBcc: evil@example.com' },
      'a@b.test',
    );
    expect(m.subject).toBe('Confirm the security mailbox for Evil Bcc: evil@example.com');
  });
});

describe('mail domain and Message-IDs', () => {
  it('uses MAIL_DOMAIN, else the host of PUBLIC_BASE_URL', () => {
    expect(mailDomain(mailConfig())).toBe('cyber-contacts.example.gov.uk');
    expect(mailDomain(mailConfig({ MAIL_DOMAIN: 'Mail.Example.Test' }))).toBe('mail.example.test');
    expect(mailDomain(mailConfig({ PUBLIC_BASE_URL: 'http://localhost:8787/' }))).toBe('localhost');
    expect(messageIdFor(mailConfig({ MAIL_DOMAIN: 'm.test' }), 'delivery.01J.abc')).toBe(
      '<delivery.01J.abc@m.test>',
    );
  });

  it('refuses ids that cannot stand in a Message-ID', () => {
    for (const bad of ['', 'a b', 'a@b', 'a>b', 'a\r\nb', '.a', 'a..b']) {
      expect(() => messageIdFor(mailConfig(), bad), JSON.stringify(bad)).toThrow();
    }
  });
});

describe('single addresses', () => {
  it('accepts one mailbox and refuses lists, groups and smuggled addresses', () => {
    expect(addressOf('a@b.test')).toBe('a@b.test');
    expect(addressOf('Council cyber contacts <no-reply@x.test>')).toBe('no-reply@x.test');
    expect(addressOf('"Smith, J" <j@x.test>')).toBe('j@x.test');
    for (const bad of [
      'a@b.test, evil@example.com',
      'a@b.test;evil@example.com',
      'A <a@b.test>, evil@example.com',
      'A <a@b.test> <evil@example.com>',
      'group: a@b.test, evil@example.com;',
      'not an address',
      '<a@b.test',
    ]) {
      expect(addressOf(bad), bad).toBeUndefined();
    }
    expect(() => assertSingleAddress('envelope sender', 'A <a@b.test>', true)).toThrow(/exactly one/);
  });
});
