// The configuration refuses, at start-up, what would make every message fail: real mail (SMTP or SES)
// from a mail domain that no mail server accepts in an envelope sender (an IP address, localhost).
import { describe, expect, it } from 'vitest';
import { mailDomainProblem, parseConfig } from '../../src/config.js';
import { startService, tempFolder } from '../e2e/support.js';

const smtp = { SMTP_URL: 'smtp://127.0.0.1:2525' };

describe('the mail domain with real mail configured', () => {
  it('refuses an IP address or localhost as the mail domain, naming the setting to fix', () => {
    expect(() => parseConfig({ ...smtp, PUBLIC_BASE_URL: 'http://127.0.0.1:8787' })).toThrow(
      /PUBLIC_BASE_URL: the mail domain "127\.0\.0\.1" is an IP address.*Set MAIL_DOMAIN/,
    );
    expect(() => parseConfig({ ...smtp })).toThrow(/the mail domain "localhost" is localhost/);
    expect(() => parseConfig({ MAIL_PROVIDER: 'ses', PUBLIC_BASE_URL: 'https://[::1]:8787' })).toThrow(
      /is an IP address/,
    );
    expect(() =>
      parseConfig({ ...smtp, PUBLIC_BASE_URL: 'https://contacts.example.gov.uk', MAIL_DOMAIN: 'mailhost' }),
    ).toThrow(/MAIL_DOMAIN: the mail domain "mailhost" has no dot/);
  });

  it('refuses a MAIL_FROM at localhost too', () => {
    expect(() =>
      parseConfig({
        ...smtp,
        PUBLIC_BASE_URL: 'https://contacts.example.gov.uk',
        MAIL_FROM: 'Alerts <alerts@cyber.localhost>',
      }),
    ).toThrow(/MAIL_FROM: the address's domain "cyber\.localhost" is localhost/);
  });

  it('accepts a proper domain, from MAIL_DOMAIN or the public address, and makes MAIL_FROM from it', () => {
    const fromHost = parseConfig({ ...smtp, PUBLIC_BASE_URL: 'https://contacts.example.gov.uk' });
    expect(fromHost.MAIL_FROM).toBe('Council cyber contacts <no-reply@contacts.example.gov.uk>');
    const given = parseConfig({
      ...smtp,
      PUBLIC_BASE_URL: 'http://127.0.0.1:8787',
      MAIL_DOMAIN: 'mail.example.org',
    });
    expect(given.MAIL_FROM).toBe('Council cyber contacts <no-reply@mail.example.org>');
  });

  it('lets the local outbox run on localhost (the embedded defaults)', () => {
    expect(parseConfig({}).MAIL_FROM).toBe('Council cyber contacts <no-reply@localhost>');
  });

  it('says why a domain cannot be used', () => {
    expect(mailDomainProblem('10.0.0.1')).toBe('is an IP address');
    expect(mailDomainProblem('a.localhost')).toBe('is localhost');
    expect(mailDomainProblem('cyber-contacts.service.gov.uk')).toBeNull();
  });

  it('stops the service at start-up with that reason, before it listens', async () => {
    const folder = tempFolder('config');
    try {
      const started = startService({
        DATABASE_URL: folder.databaseUrl,
        PORT: '0',
        PUBLIC_BASE_URL: 'http://127.0.0.1:8787',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        REGISTER_SYNC_ON_EMPTY: 'false',
      });
      await expect(started).rejects.toThrow(
        /exited .*before listening[\s\S]*the mail domain "127\.0\.0\.1" is an IP address/,
      );
    } finally {
      folder.cleanup();
    }
  }, 60_000);
});
