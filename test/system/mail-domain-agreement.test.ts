// From, Message-ID and VERP domains agree: all come from the mail domain (MAIL_DOMAIN, else the public
// host) unless set apart on purpose. With real mail, a MAIL_FROM at another domain stops the start unless
// MAIL_FROM_OTHER_DOMAIN=true says it is meant (DKIM-signed for that domain); a subdomain either way is
// DMARC's relaxed alignment and is fine.
import { describe, expect, it } from 'vitest';
import { domainsAlign, parseConfig } from '../../src/config.js';
import { composeMessage } from '../../src/mail/compose.js';
import { mailDomain, verpAddress } from '../../src/mail/message-ids.js';
import { startService, tempFolder } from '../e2e/support.js';

const smtp = { SMTP_URL: 'smtp://relay.example.org:587', PUBLIC_BASE_URL: 'https://contacts.example.gov.uk' };

describe('the From agrees with the mail domain', () => {
  it('by default everything is at MAIL_DOMAIN: From, Message-IDs and the VERP envelope sender', () => {
    const config = parseConfig({ ...smtp, MAIL_DOMAIN: 'alerts.example.gov.uk' });
    expect(config.MAIL_FROM).toBe('Council cyber contacts <no-reply@alerts.example.gov.uk>');
    expect(mailDomain(config)).toBe('alerts.example.gov.uk');
    expect(verpAddress(mailDomain(config), 'dlv0000000001', 'ab'.repeat(8))).toMatch(
      /@alerts\.example\.gov\.uk$/,
    );
  });

  it('refuses a MAIL_FROM at another domain, naming the setting, both domains and the opt-in', () => {
    expect(() =>
      parseConfig({
        ...smtp,
        MAIL_DOMAIN: 'alerts.example.gov.uk',
        MAIL_FROM: 'Alerts <no-reply@cyber-contacts.localhost.example>',
      }),
    ).toThrow(
      /MAIL_FROM: the From address is at "cyber-contacts\.localhost\.example" but the mail domain \(MAIL_DOMAIN\) is "alerts\.example\.gov\.uk".*MAIL_FROM_OTHER_DOMAIN=true/,
    );
    // Without MAIL_DOMAIN, the mail domain is the public host, and the message says so.
    expect(() => parseConfig({ ...smtp, MAIL_FROM: 'no-reply@ncsc.example' })).toThrow(
      /the mail domain \(MAIL_DOMAIN, from PUBLIC_BASE_URL\) is "contacts\.example\.gov\.uk"/,
    );
    expect(() =>
      parseConfig({
        MAIL_PROVIDER: 'ses',
        SES_REGION: 'eu-west-2',
        ...smtp,
        SMTP_URL: undefined,
        MAIL_FROM: 'x@other.example',
      }),
    ).toThrow(/MAIL_FROM: the From address is at "other\.example"/);
  });

  it('accepts a subdomain either way, the opt-in, Notify (its own From) and the local outbox', () => {
    expect(() =>
      parseConfig({ ...smtp, MAIL_DOMAIN: 'bounces.example.gov.uk', MAIL_FROM: 'no-reply@example.gov.uk' }),
    ).not.toThrow();
    expect(() =>
      parseConfig({ ...smtp, MAIL_FROM: 'Alerts <alerts@mail.contacts.example.gov.uk>' }),
    ).not.toThrow();
    expect(() =>
      parseConfig({ ...smtp, MAIL_FROM: 'no-reply@ncsc.example', MAIL_FROM_OTHER_DOMAIN: 'true' }),
    ).not.toThrow();
    expect(() =>
      parseConfig({
        MAIL_PROVIDER: 'notify',
        PUBLIC_BASE_URL: 'https://contacts.example.gov.uk',
        MAIL_FROM: 'no-reply@ncsc.example',
      }),
    ).not.toThrow();
    expect(() => parseConfig({ MAIL_FROM: 'no-reply@ncsc.example' })).not.toThrow();
    expect(domainsAlign('Example.GOV.uk', 'example.gov.uk.')).toBe(true);
    expect(domainsAlign('example.gov.uk', 'notexample.gov.uk')).toBe(false);
  });

  it('the mail composed with the default config is From, Message-ID and envelope at the one domain', () => {
    const config = parseConfig({ ...smtp, MAIL_DOMAIN: 'alerts.example.gov.uk' });
    const hello = { subject: () => 'Hello', text: () => 'Hello', html: () => '<p>Hello</p>' };
    const mail = composeMessage(config, hello, {}, 'cyber@cardiff.gov.uk', {
      envelopeFrom: verpAddress(mailDomain(config), 'dlv0000000001', 'ab'.repeat(8)),
    });
    const domains = [mail.from, mail.messageId, mail.envelopeFrom].map(
      (v) => /@([^>\s]+)>?$/.exec(v ?? '')?.[1],
    );
    expect(domains).toEqual(['alerts.example.gov.uk', 'alerts.example.gov.uk', 'alerts.example.gov.uk']);
  });

  it('stops the Node service at start-up with that reason', async () => {
    const folder = tempFolder('mail-from');
    try {
      const started = startService({
        DATABASE_URL: folder.databaseUrl,
        PORT: '0',
        PUBLIC_BASE_URL: 'https://contacts.example.gov.uk',
        MAIL_DOMAIN: 'alerts.example.gov.uk',
        MAIL_FROM: 'Council cyber contacts <no-reply@cyber-contacts.localhost.example>',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        REGISTER_SYNC_ON_EMPTY: 'false',
      });
      await expect(started).rejects.toThrow(
        /exited \(1\) before listening[\s\S]*MAIL_FROM: the From address is at/,
      );
    } finally {
      folder.cleanup();
    }
  }, 60_000);
});
