// The signing key's settings: without one the service runs, advisories go out unsigned and /readyz says so;
// a key that cannot sign is refused at start-up, naming the setting and never showing the key; a key made
// with GnuPG (as the README says) works.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildMimeMessage } from '../../src/mail/mime-message.js';
import { loadOpenPgpKeys, type OpenPgpSettings } from '../../src/mail/openpgp-keys.js';
import { signMessage } from '../../src/mail/pgp-mime.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { TEST_NOW } from '../support/fixtures.js';
import { gpgHome, makeTestKey, pgpMimeParts, type TestKey } from './support.js';

let good: TestKey;
beforeAll(async () => {
  good = await makeTestKey();
});

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

const settings = (over: Partial<OpenPgpSettings>): OpenPgpSettings => ({
  privateKey: good.privateKey,
  mailDomain: 'cyber-contacts.test',
  now: () => new Date(TEST_NOW),
  ...over,
});

/** The problem a setting is refused with: it names the setting and never shows key material. */
async function refusal(over: Partial<OpenPgpSettings>): Promise<{ setting: string; message: string }> {
  const err = (await loadOpenPgpKeys(settings(over)).then(
    () => null,
    (e) => e,
  )) as { setting: string; message: string } | null;
  expect(err, 'the key was accepted').not.toBeNull();
  expect(err!.message).not.toMatch(/BEGIN PGP|[A-Za-z0-9+/]{60}/);
  return err!;
}

describe('without a key', () => {
  it('runs: advisories go out unsigned, /readyz is degraded naming OPENPGP_PRIVATE_KEY, a warning is logged once', async () => {
    const t: TestApp = await makeTestApp();
    opened.push(t);
    await seedFanOut(t, ['wales'], 1);
    const admin = await t.tokenFor('admin');
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await drain(t);
    const copies = advisoryCopies(t);
    expect(copies).toHaveLength(2);
    for (const c of copies) {
      expect(c.raw).toMatch(/^Content-Type: multipart\/alternative;/m);
      expect(c.raw).not.toContain('multipart/signed');
    }
    const res = await t.call('GET', '/readyz');
    expect(res.status).toBe(200);
    const ready = await res.json();
    expect(ready.status).toBe('degraded');
    expect(ready.checks.signing).toEqual({
      ok: false,
      detail: 'advisories go out unsigned: OPENPGP_PRIVATE_KEY is not set',
      missing: ['OPENPGP_PRIVATE_KEY'],
    });
    expect(ready.detail).toContain('OPENPGP_PRIVATE_KEY is not set');
    await t.call('GET', '/readyz');
    const warnings = t.log.lines.filter((l) => String(l.msg).startsWith('advisories are sent unsigned'));
    expect(warnings).toHaveLength(1);
  });
});

describe('a key that expires while the service runs', () => {
  it('stops signing (unsigned, logged once) and /readyz says it expired', async () => {
    // Made 1 January 2026, valid for 340 days: still valid at TEST_NOW (30 November 2026), then expired.
    const expiring = await makeTestKey({ expiresInSeconds: 340 * 86_400 });
    const t: TestApp = await makeTestApp({ env: { OPENPGP_PRIVATE_KEY: expiring.privateKey } });
    opened.push(t);
    await seedFanOut(t, ['wales'], 1);
    const admin = await t.tokenFor('admin');
    expect((await (await t.call('GET', '/readyz')).json()).checks.signing.ok).toBe(true);
    t.clock.advance(30 * 86_400_000);
    const ready = await (await t.call('GET', '/readyz')).json();
    expect(ready.status).toBe('degraded');
    expect(ready.checks.signing.detail).toContain(
      `the OpenPGP key ${expiring.fingerprint} expired on 2026-12-07`,
    );
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await drain(t);
    const copies = advisoryCopies(t);
    expect(copies).toHaveLength(2);
    for (const c of copies) expect(c.raw).not.toContain('multipart/signed');
    expect(
      t.log.lines.filter((l) => l.msg === 'advisories are sent unsigned: the OpenPGP key has expired'),
    ).toHaveLength(1);
  });
});

describe('keys that cannot sign are refused, naming the setting', () => {
  it('refuses text that is no key, and a public key given as the secret', async () => {
    expect((await refusal({ privateKey: 'not a key at all' })).setting).toBe('OPENPGP_PRIVATE_KEY');
    const pub = await refusal({ privateKey: good.publicKey });
    expect(pub.setting).toBe('OPENPGP_PRIVATE_KEY');
    expect(pub.message).toContain('holds a public key');
  });

  it('needs the passphrase of a protected key, and the right one', async () => {
    const locked = await makeTestKey({ passphrase: 'correct horse battery staple' });
    const none = await refusal({ privateKey: locked.privateKey });
    expect(none.setting).toBe('OPENPGP_PASSPHRASE');
    expect(none.message).toContain('OPENPGP_PASSPHRASE is not set');
    const wrong = await refusal({ privateKey: locked.privateKey, passphrase: 'wrong' });
    expect(wrong.setting).toBe('OPENPGP_PASSPHRASE');
    expect(wrong.message).not.toContain('wrong');
    const keys = await loadOpenPgpKeys(
      settings({ privateKey: locked.privateKey, passphrase: 'correct horse battery staple' }),
    );
    expect(keys.fingerprint).toBe(locked.fingerprint);
  });

  it('refuses an expired key', async () => {
    const expired = await makeTestKey({ expiresInSeconds: 86_400 }); // made 1 January 2026, a day's life
    const err = await refusal({ privateKey: expired.privateKey });
    expect(err.setting).toBe('OPENPGP_PRIVATE_KEY');
    expect(err.message).toContain('expired on 2026-01-02');
  });

  it('refuses a key whose user ID is not at the mail domain', async () => {
    const elsewhere = await makeTestKey({ email: 'alerts@example.org' });
    const err = await refusal({ privateKey: elsewhere.privateKey });
    expect(err.setting).toBe('OPENPGP_PRIVATE_KEY');
    expect(err.message).toContain('no user ID at the mail domain cyber-contacts.test');
  });

  it('refuses a secret key among the previous public keys, and a previous key of another domain', async () => {
    const other = await makeTestKey();
    const secret = await refusal({ previousPublicKeys: other.privateKey });
    expect(secret.setting).toBe('OPENPGP_PREVIOUS_PUBLIC_KEYS');
    expect(secret.message).toContain('holds a secret key');
    const foreign = await makeTestKey({ email: 'x@example.org' });
    expect((await refusal({ previousPublicKeys: foreign.publicKey })).setting).toBe(
      'OPENPGP_PREVIOUS_PUBLIC_KEYS',
    );
    // Several blocks, one after another, are all read.
    const keys = await loadOpenPgpKeys(
      settings({ previousPublicKeys: `${other.publicKey}\n${good.publicKey}` }),
    );
    expect(keys.previousFingerprints).toEqual([other.fingerprint]);
  });

  it('takes a key given on one line with \\n escapes (a one-line secret store)', async () => {
    const oneLine = good.privateKey.replace(/\r?\n/g, '\\n');
    expect((await loadOpenPgpKeys(settings({ privateKey: oneLine }))).fingerprint).toBe(good.fingerprint);
  });

  it('the Node service does not start with a bad key, and says which setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-pgp-start-'));
    try {
      const elsewhere = await makeTestKey({ email: 'alerts@example.org' });
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry/node.ts'], {
        env: {
          ...process.env,
          PORT: '0',
          DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
          OUTBOX_DIR: join(dir, 'outbox'),
          SMS_OUTBOX_DIR: join(dir, 'sms'),
          REGISTER_SYNC_ON_EMPTY: 'false',
          LOG_LEVEL: 'error',
          PUBLIC_BASE_URL: 'http://cyber-contacts.test',
          OPENPGP_PRIVATE_KEY: elsewhere.privateKey,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain('OPENPGP_PRIVATE_KEY: the key has no user ID at the mail domain');
      expect(stderr).not.toContain('BEGIN PGP');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('a key made with GnuPG', () => {
  it('signs, and GnuPG verifies what it signed', async () => {
    const g = gpgHome();
    opened.push(g);
    const made = g.run([
      '--faked-system-time',
      '20260101T000000!',
      '--passphrase',
      '',
      '--pinentry-mode',
      'loopback',
      '--quick-gen-key',
      'Council cyber contacts <no-reply@cyber-contacts.test>',
      'ed25519',
      'sign',
      'never',
    ]);
    expect(made.status, made.stderr).toBe(0);
    const secret = g.run([
      '--armor',
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--export-secret-keys',
    ]);
    expect(secret.stdout).toContain('BEGIN PGP PRIVATE KEY BLOCK');
    const keys = await loadOpenPgpKeys(settings({ privateKey: secret.stdout }));
    const message = buildMimeMessage(
      {
        to: 'soc@ownshire.gov.uk',
        subject: 'Advisory',
        text: 'From the NCSC: patch.',
        messageId: '<m@cyber-contacts.test>',
      },
      { from: 'no-reply@cyber-contacts.test', date: new Date(TEST_NOW) },
    );
    const signed = await signMessage(message, keys);
    // RFC 3156 §3: a line beginning "From " is quoted-printable encoded, so a mailbox file cannot change it.
    expect(signed).toContain('=46rom the NCSC: patch.');
    const parts = pgpMimeParts(signed);
    const result = g.verify(parts.signedPart, parts.signature);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      'Good signature from "Council cyber contacts <no-reply@cyber-contacts.test>"',
    );
  });
});

describe('mail through GOV.UK Notify', () => {
  it('makes no signature that Notify would throw away', async () => {
    const { advisorySigner } = await import('../../src/features/openpgp/service-key.js');
    const t: TestApp = await makeTestApp({ env: { OPENPGP_PRIVATE_KEY: good.privateKey } });
    opened.push(t);
    expect(await advisorySigner(t.deps)).not.toBeNull();
    const notify = await makeTestApp({
      env: {
        OPENPGP_PRIVATE_KEY: good.privateKey,
        MAIL_PROVIDER: 'notify',
        MAIL_DOMAIN: 'cyber-contacts.example',
        MAIL_FROM: 'Council cyber contacts <no-reply@cyber-contacts.test>',
      },
    });
    opened.push(notify);
    expect(await advisorySigner(notify.deps)).toBeNull();
  });
});
