// A council gives its mailbox an OpenPGP key (made by GnuPG): the key is pending until the link sent to the
// mailbox, ENCRYPTED TO THAT KEY, is followed; the link can only be read by decrypting (gpg does it here).
// Unusable keys are refused in words; other councils (and WARPs that are not the council's) see nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedFanOut } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type CouncilKey, encryptedParts, headerOf, makeCouncilKey } from './support.js';

let t: TestApp;
const keys: CouncilKey[] = [];
const ADDRESS = 'primary@wa1.gov.uk';
const MAILBOX = 'WA1-primary';

function councilKey(address = ADDRESS, options: Parameters<typeof makeCouncilKey>[1] = {}) {
  const key = makeCouncilKey(address, options);
  keys.push(key);
  return key;
}

beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
});

afterEach(() => {
  for (const k of keys.splice(0)) k.gpg.close();
  t.close();
});

/** The quoted-printable body decoded enough to find a link in it. */
const unfold = (text: string) => text.replace(/=\r?\n/g, '').replace(/=3D/g, '=');

/** Uploads the key as the council, returns the confirmation link read by decrypting the mail with gpg. */
async function upload(key: CouncilKey, token?: string) {
  const council = token ?? (await t.tokenFor('council', { authority: 'WA1' }));
  const res = await t.call('POST', `/api/v1/mailboxes/${MAILBOX}/key`, {
    token: council,
    body: { key: key.publicKey },
  });
  expect(res.status, await res.clone().text()).toBe(202);
  const body = (await res.json()) as { key: { id: string; state: string; fingerprint: string } };
  const mail = t.mailer.sent.at(-1)!;
  expect(mail.to).toBe(ADDRESS);
  return { body, mail };
}

function linkIn(key: CouncilKey, raw: string) {
  const { armored } = encryptedParts(raw);
  const decrypted = key.decrypt(armored);
  expect(decrypted.status, decrypted.log).toBe(0);
  const token = /\/confirm-key\/([A-Za-z0-9_-]{20,})/.exec(unfold(decrypted.plaintext))?.[1];
  expect(token).toBeTruthy();
  return { token: token!, decrypted };
}

describe('giving a mailbox a key', () => {
  it('is pending until the link, readable only by decrypting, is followed; then confirmed', async () => {
    const key = councilKey();
    const { body, mail } = await upload(key);
    expect(body.key).toMatchObject({ state: 'pending', fingerprint: key.fingerprint });

    // Nothing of the link is readable without the key: the mail is PGP/MIME encrypted, the link inside.
    expect(mail.raw).not.toMatch(/confirm-key/);
    const { head } = encryptedParts(mail.raw!);
    expect(headerOf(head, 'Subject')).toBe('Confirm your encryption key');
    const { token, decrypted } = linkIn(key, mail.raw!);
    expect(decrypted.plaintext).toContain(key.fingerprint.replace(/(.{4})(?=.)/g, '$1 '));
    // Another key cannot read it.
    const stranger = councilKey();
    expect(stranger.decrypt(encryptedParts(mail.raw!).armored).status).not.toBe(0);

    // GET changes nothing; POST confirms.
    const page = await t.app.request(`/confirm-key/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(key.fingerprint.slice(0, 4));
    const council = await t.tokenFor('council', { authority: 'WA1' });
    let list = await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token: council })).json();
    expect(list.items[0].state).toBe('pending');

    const confirmed = await t.call('POST', `/confirm-key/${token}`);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ state: 'valid', key: { state: 'confirmed' } });
    list = await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token: council })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      state: 'confirmed',
      source: 'upload',
      fingerprint: key.fingerprint,
    });
    expect(list.items[0].fingerprintGrouped).toMatch(/^([0-9A-F]{4} ){9}[0-9A-F]{4}$/);

    // The link works once.
    expect((await t.call('POST', `/confirm-key/${token}`)).status).toBe(410);
  });

  it('a change of key needs the new key’s confirmation; confirming it replaces the old one', async () => {
    const first = councilKey();
    const one = await upload(first);
    await t.call('POST', `/confirm-key/${linkIn(first, one.mail.raw!).token}`);
    const second = councilKey();
    const two = await upload(second);
    const council = await t.tokenFor('council', { authority: 'WA1' });
    let list = await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token: council })).json();
    // The old key is still the one used while the new one waits.
    expect(list.items.map((k: { state: string }) => k.state).sort()).toEqual(['confirmed', 'pending']);
    // The first key cannot read the new link.
    expect(first.decrypt(encryptedParts(two.mail.raw!).armored).status).not.toBe(0);
    await t.call('POST', `/confirm-key/${linkIn(second, two.mail.raw!).token}`);
    list = await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token: council })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ fingerprint: second.fingerprint, state: 'confirmed' });
    const audit = await t.client.execute(
      "select action from audit_log where subject_type = 'mailbox key' order by id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'mailbox-key.add',
      'mailbox-key.confirm',
      'mailbox-key.add',
      'mailbox-key.confirm',
    ]);
  });

  it('refuses a secret key, a key for another address, an expired key and a key that cannot encrypt', async () => {
    const council = await t.tokenFor('council', { authority: 'WA1' });
    const post = (key: string) =>
      t.call('POST', `/api/v1/mailboxes/${MAILBOX}/key`, { token: council, body: { key } });
    const cases: Array<[string, RegExp]> = [
      [councilKey().secretKey(), /secret \(private\) key/],
      [councilKey('someone@elsewhere.example').publicKey, /no user ID for primary@wa1\.gov\.uk/],
      [councilKey(ADDRESS, { expires: '2026-06-01' }).publicKey, /expired/],
      [councilKey(ADDRESS, { encrypt: false }).publicKey, /no subkey that can encrypt/],
      ['not a key at all', /not an OpenPGP public key/],
    ];
    for (const [key, reason] of cases) {
      const res = await post(key);
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).detail).toMatch(reason);
    }
    const huge = await post(`-----BEGIN PGP PUBLIC KEY BLOCK-----\n${'A'.repeat(70_000)}`);
    expect(huge.status).toBe(422);
    expect(t.mailer.sent).toHaveLength(0);
  });

  it('other councils and other WARPs get 404; the council’s WARP and admins see the fingerprint', async () => {
    const key = councilKey();
    const { mail } = await upload(key);
    await t.call('POST', `/confirm-key/${linkIn(key, mail.raw!).token}`);
    const other = await t.tokenFor('council', { authority: 'WA2' });
    const london = await t.tokenFor('warp', { warp: 'london' });
    for (const token of [other, london]) {
      expect((await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token })).status).toBe(404);
      const res = await t.call('POST', `/api/v1/mailboxes/${MAILBOX}/key`, {
        token,
        body: { key: key.publicKey },
      });
      expect(res.status).toBe(404);
    }
    expect((await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`)).status).toBe(401);
    for (const token of [await t.tokenFor('warp', { warp: 'wales' }), await t.tokenFor('admin')]) {
      const list = await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token })).json();
      expect(list.items[0].fingerprint).toBe(key.fingerprint);
    }
  });

  it('a removed key is no longer listed, and its council can remove only its own', async () => {
    const key = councilKey();
    const { body } = await upload(key);
    const other = await t.tokenFor('council', { authority: 'WA2' });
    expect(
      (await t.call('DELETE', `/api/v1/mailboxes/${MAILBOX}/keys/${body.key.id}`, { token: other })).status,
    ).toBe(404);
    const council = await t.tokenFor('council', { authority: 'WA1' });
    const removed = await t.call('DELETE', `/api/v1/mailboxes/${MAILBOX}/keys/${body.key.id}`, {
      token: council,
    });
    expect(removed.status).toBe(200);
    expect((await removed.json()).state).toBe('removed');
    const list = await (await t.call('GET', `/api/v1/mailboxes/${MAILBOX}/keys`, { token: council })).json();
    expect(list.items).toHaveLength(0);
    // A second removal loses the race: 409.
    expect(
      (await t.call('DELETE', `/api/v1/mailboxes/${MAILBOX}/keys/${body.key.id}`, { token: council })).status,
    ).toBe(409);
  });
});
