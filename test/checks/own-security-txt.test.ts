// The service's own security.txt Expires (RFC 9116: less than a year ahead): 11 months ahead by default; a
// SECURITY_EXPIRES more than a year ahead stops the start (Node exits 1 naming the setting; a Worker answers
// "not configured" through the same check); /readyz warns from 30 days before it lapses and alerts after.
import { describe, expect, it } from 'vitest';
import { settingsNamed } from '../../src/entry/worker.js';
import {
  assertSecurityExpiresValid,
  securityExpiresProblem,
  securityTxtExpires,
} from '../../src/features/checks/own-security-txt.js';
import { startService, tempFolder } from '../e2e/support.js';
import { makeTestApp } from '../support/app.js';
import { TEST_NOW } from '../support/fixtures.js';
import { TEST_OPENPGP_PRIVATE_KEY } from '../support/openpgp-key.js';

const now = new Date(TEST_NOW); // 2026-11-30T09:00:00Z

describe('the Expires date', () => {
  it('is 11 months ahead by default, to the day: less than a year', async () => {
    expect(securityTxtExpires({}, now).toISOString()).toBe('2027-10-30T00:00:00.000Z');
    const t = await makeTestApp();
    const text = await (await t.app.request('/.well-known/security.txt')).text();
    expect(text).toContain('Expires: 2027-10-30T00:00:00Z\n');
    expect(securityExpiresProblem({}, now)).toBeNull();
    t.close();
  });

  it('refuses a SECURITY_EXPIRES more than a year ahead, naming the setting and the latest date', () => {
    expect(securityExpiresProblem({ SECURITY_EXPIRES: '2027-11-30T09:00:00Z' }, now)).toBeNull();
    expect(securityExpiresProblem({ SECURITY_EXPIRES: '2027-03-31T23:59:59Z' }, now)).toBeNull();
    const twoYears = { SECURITY_EXPIRES: '2028-11-30T00:00:00Z' };
    expect(securityExpiresProblem(twoYears, now)).toMatch(
      /^2028-11-30T00:00:00Z is more than a year ahead; RFC 9116 .* set a date before 2027-11-30T09:00:00Z/,
    );
    expect(securityExpiresProblem({ SECURITY_EXPIRES: '2027-11-30T09:00:01Z' }, now)).not.toBeNull();
    // The error a Worker answers "not configured" with names the setting (and only the setting).
    let thrown: unknown;
    try {
      assertSecurityExpiresValid(twoYears, now);
    } catch (err) {
      thrown = new Error(`Invalid configuration:\n  ${(err as Error).message}`);
    }
    expect(settingsNamed(thrown)).toEqual(['SECURITY_EXPIRES']);
  });

  it('the Node service does not start with one, and says which setting', async () => {
    const folder = tempFolder('security-expires');
    try {
      const started = startService({
        DATABASE_URL: folder.databaseUrl,
        PORT: '0',
        PUBLIC_BASE_URL: 'http://cyber-contacts.test',
        REGISTER_SYNC_ON_EMPTY: 'false',
        SECURITY_EXPIRES: new Date(Date.now() + 2 * 365 * 86_400_000).toISOString(),
      });
      await expect(started).rejects.toThrow(
        /exited \(1\) before listening[\s\S]*SECURITY_EXPIRES: .* is more than a year ahead/,
      );
    } finally {
      folder.cleanup();
    }
  }, 60_000);
});

describe('/readyz and the date', () => {
  const ready = async (expires: string | undefined) => {
    const t = await makeTestApp({
      env: {
        OPENPGP_PRIVATE_KEY: TEST_OPENPGP_PRIVATE_KEY,
        ...(expires ? { SECURITY_EXPIRES: expires } : {}),
      },
    });
    const res = await t.call('GET', '/readyz');
    const body = await res.json();
    await t.call('GET', '/readyz'); // logged once, not on every probe
    const logged = t.log.lines.filter((l) => /security\.txt/.test(String(l.msg)));
    t.close();
    return { status: res.status, body, logged };
  };

  it('is ok with more than 30 days to go (and by default)', async () => {
    for (const expires of [undefined, '2027-01-01T00:00:00Z']) {
      const r = await ready(expires);
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('ok');
      expect(r.body.checks.securityTxt.ok).toBe(true);
      expect(r.logged).toEqual([]);
    }
  });

  it('warns from 30 days before it lapses: degraded, naming SECURITY_EXPIRES, one warning logged', async () => {
    const r = await ready('2026-12-20T00:00:00Z');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('degraded');
    expect(r.body.checks.securityTxt).toEqual({
      ok: false,
      detail:
        'security.txt lapses in 19 days (2026-12-20T00:00:00Z): set SECURITY_EXPIRES to a later date, less than a year ahead',
      missing: ['SECURITY_EXPIRES'],
    });
    expect(r.body.detail).toContain('security.txt lapses in 19 days');
    expect(r.logged.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'security.txt lapses soon: renew SECURITY_EXPIRES'],
    ]);
  });

  it('alerts once it has lapsed: degraded, and one error logged', async () => {
    const r = await ready('2026-11-01T00:00:00Z');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('degraded');
    expect(r.body.checks.securityTxt.detail).toMatch(/^security\.txt lapsed on 2026-11-01T00:00:00Z/);
    expect(r.logged.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'security.txt has lapsed: renew SECURITY_EXPIRES'],
    ]);
  });
});
