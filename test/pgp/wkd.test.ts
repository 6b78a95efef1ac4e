// The service's public keys on the web: the Web Key Directory (draft-koch-openpgp-webkey-service, direct
// and advanced methods), the armored download, security.txt's Encryption line, and after a key rotation
// the retired key beside the new one, so an advisory signed before the rotation still verifies.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildMimeMessage } from '../../src/mail/mime-message.js';
import { loadOpenPgpKeys } from '../../src/mail/openpgp-keys.js';
import { signMessage } from '../../src/mail/pgp-mime.js';
import { wkdDirectUrl, wkdHash, zbase32 } from '../../src/mail/wkd.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { TEST_NOW } from '../support/fixtures.js';
import { type Gpg, gpgHome, makeTestKey, pgpMimeParts, type TestKey } from './support.js';

let current: TestKey;
let retired: TestKey;
beforeAll(async () => {
  [current, retired] = await Promise.all([makeTestKey(), makeTestKey()]);
});

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await makeTestApp({ env });
  opened.push(t);
  return t;
}
function gpg(): Gpg {
  const g = gpgHome();
  opened.push(g);
  return g;
}

describe('WKD names', () => {
  it('hashes the draft’s example: Joe.Doe → iy9q119eutrkn8s1mk4r39qejnbu3n5q (upper case folded)', async () => {
    expect(await wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(await wkdHash('joe.doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(await wkdDirectUrl('Joe.Doe@Example.ORG')).toBe(
      'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    );
    expect(zbase32(new Uint8Array([0xff]))).toBe('9h');
  });

  it('names the service’s address as GnuPG does (gpg --with-wkd-hash)', async () => {
    const t = await app({ OPENPGP_PRIVATE_KEY: current.privateKey });
    const g = gpg();
    g.importKeys(await (await t.app.request('/.well-known/openpgpkey/key.asc')).text());
    const listed = g.run(['--with-wkd-hash', '--list-keys', 'no-reply@cyber-contacts.test']);
    expect(listed.stdout).toContain(`${await wkdHash('no-reply')}@cyber-contacts.test`);
  });
});

describe('the Web Key Directory', () => {
  it('serves the binary key for the hash of the signing address, and 404 for any other', async () => {
    const t = await app({ OPENPGP_PRIVATE_KEY: current.privateKey });
    const hash = await wkdHash('no-reply');
    const res = await t.app.request(`/.well-known/openpgpkey/hu/${hash}?l=no-reply`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Binary, not armored: an OpenPGP public-key packet first (new or old format tag 6).
    expect([0x98, 0x99, 0xc6]).toContain(bytes[0]);
    const g = gpg();
    g.importKeys(bytes);
    const listed = g.run(['--with-colons', '--list-keys']);
    expect(listed.stdout).toContain(`fpr:::::::::${current.fingerprint}:`);
    // The secret never leaves: GnuPG has no secret key from it.
    expect(g.run(['--list-secret-keys']).stdout).toBe('');

    expect((await t.app.request(`/.well-known/openpgpkey/hu/${await wkdHash('security')}`)).status).toBe(404);
    expect((await t.app.request('/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q')).status).toBe(
      404,
    );
  });

  it('has an empty policy file; the advanced method answers for the mail domain only', async () => {
    const t = await app({ OPENPGP_PRIVATE_KEY: current.privateKey });
    const policy = await t.app.request('/.well-known/openpgpkey/policy');
    expect(policy.status).toBe(200);
    expect(await policy.text()).toBe('');
    expect(policy.headers.get('access-control-allow-origin')).toBe('*');
    const hash = await wkdHash('no-reply');
    const advanced = await t.app.request(`/.well-known/openpgpkey/cyber-contacts.test/hu/${hash}?l=no-reply`);
    expect(advanced.status).toBe(200);
    expect((await t.app.request('/.well-known/openpgpkey/cyber-contacts.test/policy')).status).toBe(200);
    expect((await t.app.request(`/.well-known/openpgpkey/ownshire.gov.uk/hu/${hash}`)).status).toBe(404);
    expect((await t.app.request('/.well-known/openpgpkey/ownshire.gov.uk/policy')).status).toBe(404);
  });

  it('serves the armored keys, and security.txt names them as its Encryption', async () => {
    const t = await app({ OPENPGP_PRIVATE_KEY: current.privateKey });
    const asc = await t.app.request('/.well-known/openpgpkey/key.asc');
    expect(asc.status).toBe(200);
    expect(asc.headers.get('content-type')).toContain('application/pgp-keys');
    const text = await asc.text();
    expect(text).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(text).not.toContain('PRIVATE KEY');
    const security = await (await t.app.request('/.well-known/security.txt')).text();
    expect(security).toContain('Encryption: http://cyber-contacts.test/.well-known/openpgpkey/key.asc\n');
  });

  it('publishes nothing without a key: 404s, and no Encryption line', async () => {
    const t = await app();
    const hash = await wkdHash('no-reply');
    for (const path of [
      `/.well-known/openpgpkey/hu/${hash}`,
      '/.well-known/openpgpkey/policy',
      '/.well-known/openpgpkey/key.asc',
    ])
      expect((await t.app.request(path)).status, path).toBe(404);
    expect(await (await t.app.request('/.well-known/security.txt')).text()).not.toContain('Encryption:');
    const start = await (await t.app.request('/', { headers: { accept: 'text/html' } })).text();
    expect(start).not.toContain('signed with OpenPGP key');
  });

  it('the start page gives the fingerprint, in groups of four, and where to get the key', async () => {
    const t = await app({ OPENPGP_PRIVATE_KEY: current.privateKey });
    const res = await t.app.request('/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const grouped = current.fingerprint.match(/.{4}/g)!.join(' ');
    expect(html).toContain(`Advisories from us are signed with OpenPGP key`);
    expect(html).toContain(grouped);
    expect(html).toContain('href="/.well-known/openpgpkey/key.asc"');
    expect(html).toContain('gpg --locate-keys no-reply@cyber-contacts.test');
  });

  it('after a rotation it serves the new key and the retired one: an advisory signed before still verifies', async () => {
    // An advisory signed with the old key, before the rotation.
    const old = await loadOpenPgpKeys({
      privateKey: retired.privateKey,
      mailDomain: 'cyber-contacts.test',
      now: () => new Date(TEST_NOW),
    });
    const message = buildMimeMessage(
      {
        to: 'soc@ownshire.gov.uk',
        subject: 'An older advisory',
        text: 'Patch it.',
        messageId: '<old@cyber-contacts.test>',
      },
      { from: 'no-reply@cyber-contacts.test', date: new Date(TEST_NOW) },
    );
    const before = pgpMimeParts(await signMessage(message, old));

    const t = await app({
      OPENPGP_PRIVATE_KEY: current.privateKey,
      OPENPGP_PREVIOUS_PUBLIC_KEYS: retired.publicKey,
    });
    const res = await t.app.request(`/.well-known/openpgpkey/hu/${await wkdHash('no-reply')}?l=no-reply`);
    const g = gpg();
    g.importKeys(new Uint8Array(await res.arrayBuffer()));
    const listed = g.run(['--with-colons', '--list-keys']).stdout;
    expect(listed).toContain(`fpr:::::::::${current.fingerprint}:`);
    expect(listed).toContain(`fpr:::::::::${retired.fingerprint}:`);
    const verified = g.verify(before.signedPart, before.signature);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stderr).toContain('Good signature');
    // New advisories are signed with the new key only.
    const ready = await (await t.app.request('/readyz')).json();
    expect(ready.checks.signing.detail).toContain(current.fingerprint);
  });
});
