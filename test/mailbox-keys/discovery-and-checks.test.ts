// A mailbox's key found on its council's own domain (WKD, advanced then direct; security.txt's Encryption
// field), served by msw at the HTTP edge; and the scheduled checks finding keys revoked (a revocation the
// council publishes in its WKD), expiring within 30 days, or expired: recorded on the key, audited, shown,
// and a key that can no longer be used is not encrypted to.
import { HttpResponse, http } from 'msw';
import { readKey } from 'openpgp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMailboxKeys } from '../../src/features/mailbox-keys/check-keys.js';
import { wkdHash } from '../../src/mail/wkd.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { useMsw } from '../support/msw.js';
import { type CouncilKey, encryptedParts, makeCouncilKey } from './support.js';

const server = useMsw();
let t: TestApp;
let council: string;
const keys: CouncilKey[] = [];
const ADDRESS = 'primary@wa1.gov.uk';
const MAILBOX = 'WA1-primary';

beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
  council = await t.tokenFor('council', { authority: 'WA1' });
});

afterEach(() => {
  for (const k of keys.splice(0)) k.gpg.close();
  t.close();
});

function councilKey(options: Parameters<typeof makeCouncilKey>[1] = {}) {
  const key = makeCouncilKey(ADDRESS, options);
  keys.push(key);
  return key;
}

const binary = async (armored: string) => (await readKey({ armoredKey: armored })).write();

async function wkdPaths() {
  const hash = await wkdHash('primary');
  return {
    advanced: `https://openpgpkey.wa1.gov.uk/.well-known/openpgpkey/wa1.gov.uk/hu/${hash}`,
    direct: `https://wa1.gov.uk/.well-known/openpgpkey/hu/${hash}`,
  };
}

/** Serves the key by WKD's direct method (the advanced host does not exist). */
async function serveWkd(armored: () => string) {
  const { advanced, direct } = await wkdPaths();
  server.use(
    http.get(advanced, () => HttpResponse.error()),
    http.get(
      direct,
      async () =>
        new HttpResponse(await binary(armored()), {
          headers: { 'content-type': 'application/octet-stream' },
        }),
    ),
  );
}

async function discover(source: 'wkd' | 'security-txt') {
  return t.call('POST', `/api/v1/mailboxes/${MAILBOX}/key/discover`, { token: council, body: { source } });
}

async function confirmFromMail(key: CouncilKey) {
  const out = key.decrypt(encryptedParts(t.mailer.sent.at(-1)!.raw!).armored);
  const secret = /\/confirm-key\/([A-Za-z0-9_-]{20,})/.exec(out.plaintext.replace(/=\r?\n/g, ''))?.[1];
  expect((await t.call('POST', `/confirm-key/${secret}`)).status).toBe(200);
}

const listKeys = async () =>
  (await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token: council })).json()).items;

describe('discovering a key on the council’s domain', () => {
  it('finds it by WKD (the direct method after the advanced one fails) and confirms it by the encrypted link', async () => {
    const key = councilKey();
    await serveWkd(() => key.publicKey);
    const res = await discover('wkd');
    expect(res.status, await res.clone().text()).toBe(202);
    const { key: added } = await res.json();
    expect(added).toMatchObject({ source: 'wkd', state: 'pending', fingerprint: key.fingerprint });
    expect(added.sourceUrl).toMatch(/^https:\/\/wa1\.gov\.uk\/\.well-known\/openpgpkey\/hu\/.+\?l=primary$/);
    await confirmFromMail(key);
    expect((await listKeys())[0].state).toBe('confirmed');
  });

  it('prefers the advanced method when it answers', async () => {
    const key = councilKey();
    const { advanced } = await wkdPaths();
    server.use(http.get(advanced, async () => new HttpResponse(await binary(key.publicKey))));
    const { key: added } = await (await discover('wkd')).json();
    expect(added.sourceUrl).toMatch(/^https:\/\/openpgpkey\.wa1\.gov\.uk\//);
  });

  it('follows security.txt’s Encryption field to the key on the same domain', async () => {
    const key = councilKey();
    server.use(
      http.get('https://wa1.gov.uk/.well-known/security.txt', () =>
        HttpResponse.text('Contact: mailto:primary@wa1.gov.uk\nEncryption: https://wa1.gov.uk/pgp-key.txt\n'),
      ),
      http.get('https://wa1.gov.uk/pgp-key.txt', () => HttpResponse.text(key.publicKey)),
    );
    const res = await discover('security-txt');
    expect(res.status, await res.clone().text()).toBe(202);
    expect((await res.json()).key).toMatchObject({
      source: 'security-txt',
      sourceUrl: 'https://wa1.gov.uk/pgp-key.txt',
    });
  });

  it('does not follow an Encryption URL to another domain, and says when nothing is found', async () => {
    server.use(
      http.get('https://wa1.gov.uk/.well-known/security.txt', () =>
        HttpResponse.text(
          'Contact: mailto:primary@wa1.gov.uk\nEncryption: https://attacker.example/key.asc\n',
        ),
      ),
    );
    const res = await discover('security-txt');
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toMatch(/not an https URL on wa1\.gov\.uk/);
    const { advanced, direct } = await wkdPaths();
    server.use(
      http.get(advanced, () => HttpResponse.error()),
      http.get(direct, () => new HttpResponse('', { status: 404 })),
    );
    const wkd = await discover('wkd');
    expect(wkd.status).toBe(422);
    expect((await wkd.json()).detail).toMatch(/no key in the Web Key Directory/);
    expect(t.mailer.sent).toHaveLength(0);
  });
});

describe('the scheduled checks of keys', () => {
  it('find a revocation published in the WKD: recorded, audited, shown, and the key is no longer used', async () => {
    const key = councilKey();
    let served = key.publicKey;
    await serveWkd(() => served);
    await discover('wkd');
    await confirmFromMail(key);
    t.clock.advance(24 * 3600_000);
    expect((await checkMailboxKeys(t.deps)).changed).toEqual([]);
    expect((await listKeys())[0].problem).toBeNull();

    // The council revokes its key and publishes the revocation.
    key.gpg.importKeys(key.revocation());
    served = key.gpg.run(['--armor', '--export', key.fingerprint]).stdout;
    t.clock.advance(24 * 3600_000);
    const outcome = await checkMailboxKeys(t.deps);
    expect(outcome.changed).toHaveLength(1);
    const [listed] = await listKeys();
    expect(listed.problem).toMatch(/revoked/);
    expect(listed.revokedAt).not.toBeNull();
    const audit = await t.client.execute("select after from audit_log where action = 'mailbox-key.checked'");
    expect(String(audit.rows[0]?.after)).toMatch(/revoked/);

    // A revoked key is not encrypted to any more.
    const admin = await t.tokenFor('admin');
    const { id } = await createAdvisory(t, admin, { tlp: 'AMBER', audience: { authorities: ['WA1'] } });
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await drain(t);
    const copy = advisoryCopies(t).find((m) => m.to === ADDRESS)!;
    expect(copy.raw).not.toMatch(/multipart\/encrypted/);
  });

  it('find a key expiring within 30 days, then expired', async () => {
    const key = councilKey({ expires: '2026-12-20' });
    const res = await t.call('POST', `/api/v1/mailboxes/${MAILBOX}/key`, {
      token: council,
      body: { key: key.publicKey },
    });
    expect(res.status).toBe(202);
    await confirmFromMail(key);
    t.clock.advance(24 * 3600_000);
    await checkMailboxKeys(t.deps);
    expect((await listKeys())[0].problem).toMatch(/expires on 2026-12-2/);
    t.clock.set('2026-12-25T09:00:00Z');
    await checkMailboxKeys(t.deps);
    expect((await listKeys())[0].problem).toMatch(/can no longer encrypt to this key: the key expired/);
  });
});
