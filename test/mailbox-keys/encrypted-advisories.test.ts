// TLP:AMBER and TLP:RED advisories to a mailbox with a confirmed key go out PGP/MIME encrypted (RFC 3156),
// signed by the service key inside: GnuPG decrypts them with the council's secret key and reports a good
// signature from the key the service publishes. The Subject says nothing of the content. TLP:CLEAR stays
// signed only. A TLP:RED advisory an admin required to be encrypted reaches a keyless mailbox only as a
// heads-up without its content; a council or WARP cannot require encryption.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wkdHash } from '../../src/mail/wkd.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { makeTestKey, pgpMimeParts, type TestKey } from '../pgp/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type CouncilKey, encryptedParts, headerOf, makeCouncilKey } from './support.js';

let serviceKey: TestKey;
let t: TestApp;
let admin: string;
let council: CouncilKey;
const ADDRESS = 'primary@wa1.gov.uk';

beforeAll(async () => {
  serviceKey = await makeTestKey();
});

/** Gives WA1's primary mailbox the council's key, confirmed through the link read by decrypting. */
async function confirmCouncilKey() {
  council = makeCouncilKey(ADDRESS);
  const token = await t.tokenFor('council', { authority: 'WA1' });
  const res = await t.call('POST', '/api/v1/mailboxes/WA1-primary/key', {
    token,
    body: { key: council.publicKey },
  });
  expect(res.status).toBe(202);
  const link = council.decrypt(encryptedParts(t.mailer.sent.at(-1)!.raw!).armored);
  const secret = /\/confirm-key\/([A-Za-z0-9_-]{20,})/.exec(link.plaintext.replace(/=\r?\n/g, ''))?.[1];
  expect((await t.call('POST', `/confirm-key/${secret}`)).status).toBe(200);
  t.mailer.sent.length = 0;
  // The service's public key, as it serves it by WKD, so gpg can check the signature inside.
  const wkd = await t.app.request(`/.well-known/openpgpkey/hu/${await wkdHash('no-reply')}?l=no-reply`);
  council.gpg.importKeys(new Uint8Array(await wkd.arrayBuffer()));
}

beforeEach(async () => {
  t = await makeTestApp({ env: { OPENPGP_PRIVATE_KEY: serviceKey.privateKey } });
  await seedFanOut(t);
  admin = await t.tokenFor('admin');
  await confirmCouncilKey();
});

afterEach(() => {
  council.gpg.close();
  t.close();
});

async function send(overrides: Record<string, unknown>) {
  const { id, reference } = await createAdvisory(t, admin, { audience: { warps: ['wales'] }, ...overrides });
  const released = await (await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin })).json();
  if (released.state === 'awaiting-approval') {
    const second = await t.tokenFor('admin');
    expect((await t.call('POST', `/api/v1/advisories/${id}/approve`, { token: second })).status).toBe(200);
  }
  await drain(t);
  return { id, reference: reference as string };
}

const copyTo = (address: string) => advisoryCopies(t).find((m) => m.to === address)!;

describe('encrypted advisories', () => {
  it('TLP:AMBER to a mailbox with a key: gpg decrypts it with the council key, with a good signature from the service key', async () => {
    const { reference } = await send({ tlp: 'AMBER', title: 'Secret VPN flaw in Example appliances' });
    const copy = copyTo(ADDRESS);
    const { head, armored } = encryptedParts(copy.raw!);
    // Nothing of the content outside the encryption: a neutral Subject, no title, no link.
    expect(headerOf(head, 'Subject')).toBe(`${reference}: encrypted advisory (TLP:AMBER)`);
    expect(copy.raw).not.toContain('Secret VPN flaw');
    expect(copy.raw).not.toContain('/ack/');
    expect(copy.text).not.toContain('Secret VPN flaw');

    const out = council.decrypt(armored);
    expect(out.status, out.log).toBe(0);
    expect(out.plaintext).toContain('Secret VPN flaw');
    expect(out.plaintext).toMatch(/^Subject: .*Secret VPN flaw/m); // the real Subject, inside
    expect(out.plaintext).toContain('/ack/');
    expect(out.plaintext.replace(/=\r?\n/g, '')).toContain(
      'Check that this e-mail is genuine at http://cyber-contacts.test/genuine',
    );
    expect(out.plaintext).toMatch(/Content-Type: multipart\/alternative/);
    expect(out.log).toMatch(/\[GNUPG:\] DECRYPTION_OKAY/);
    expect(out.log).toContain(`[GNUPG:] VALIDSIG ${serviceKey.fingerprint}`);
    expect(out.log).toMatch(/Good signature from "Council cyber contacts <no-reply@cyber-contacts\.test>"/);

    // The council's other mailbox has no key: signed, not encrypted, as before.
    const other = pgpMimeParts(copyTo('secondary@wa1.gov.uk').raw!);
    expect(other.signedPart).toContain('Secret VPN flaw');
  });

  it('TLP:CLEAR stays signed only, even to a mailbox with a key', async () => {
    await send({ tlp: 'CLEAR', title: 'Public patch notice' });
    const parts = pgpMimeParts(copyTo(ADDRESS).raw!);
    expect(parts.type).toMatch(/^multipart\/signed/);
    expect(parts.signedPart).toContain('Public patch notice');
    expect(copyTo(ADDRESS).raw).not.toMatch(/multipart\/encrypted/);
  });

  it('TLP:RED with encryption required: the keyed mailbox gets it encrypted, a keyless one only a heads-up', async () => {
    // WA0 has no key: its primary gets the heads-up.
    const { id, reference } = await send({ tlp: 'RED', title: 'Red hot secret', requireEncryption: true });
    const keyed = copyTo(ADDRESS);
    const out = council.decrypt(encryptedParts(keyed.raw!).armored);
    expect(out.status, out.log).toBe(0);
    expect(out.plaintext).toContain('Red hot secret');

    const headsUp = copyTo('primary@wa0.gov.uk');
    expect(headsUp.raw).not.toContain('Red hot secret');
    expect(headsUp.raw).not.toContain('/ack/');
    expect(headsUp.subject).toBe(`${reference}: a TLP:RED advisory is waiting for you`);
    const parts = pgpMimeParts(headsUp.raw!);
    expect(parts.signedPart.replace(/=\r\n/g, '')).toContain(`/account/advisories/${id}`);
    expect(parts.signedPart).not.toContain(advisoryTitleWords);
  });

  it('the preview says how many copies go encrypted and how many get only a heads-up', async () => {
    const { id } = await createAdvisory(t, admin, {
      audience: { warps: ['wales'] },
      tlp: 'RED',
      requireEncryption: true,
    });
    const preview = await (await t.call('GET', `/api/v1/advisories/${id}/preview`, { token: admin })).json();
    // Three primaries in Wales, one (WA1's) with a confirmed key.
    expect(preview.encryption).toEqual({ encrypted: 1, headsUp: 2, plain: 0, note: null });
    const page = await t.app.request(`/advisories/${id}`, {
      headers: { authorization: `Bearer ${admin}`, accept: 'text/html' },
    });
    const html = await page.text();
    expect(html).toContain('data-preview="encrypted">1<');
    expect(html).toContain('data-preview="heads-up">2<');
    const clear = await createAdvisory(t, admin, { audience: { warps: ['wales'] }, tlp: 'CLEAR' });
    const none = await (
      await t.call('GET', `/api/v1/advisories/${clear.id}/preview`, { token: admin })
    ).json();
    expect(none.encryption).toBeNull();
    const ready = await (await t.app.request('/readyz')).json();
    expect(ready.checks.encryption.ok).toBe(true);
  });

  it('TLP:RED without the requirement goes to keyless primaries in full, as before', async () => {
    await send({ tlp: 'RED', title: 'Red but plain' });
    expect(pgpMimeParts(copyTo('primary@wa0.gov.uk').raw!).signedPart).toContain('Red but plain');
  });

  it('only an admin requires encryption, and only of TLP:RED', async () => {
    const warp = await t.tokenFor('warp', { warp: 'wales' });
    const byWarp = await t.call('POST', '/api/v1/advisories', {
      token: warp,
      body: advisoryInput({ tlp: 'RED', requireEncryption: true }),
    });
    expect(byWarp.status).toBe(403);
    const council = await t.tokenFor('council', { authority: 'WA1' });
    expect(
      (
        await t.call('POST', '/api/v1/advisories', {
          token: council,
          body: advisoryInput({ tlp: 'RED', requireEncryption: true }),
        })
      ).status,
    ).toBe(403);
    const amber = await t.call('POST', '/api/v1/advisories', {
      token: admin,
      body: advisoryInput({ tlp: 'AMBER', requireEncryption: true }),
    });
    expect(amber.status).toBe(422);
    // A WARP's own RED draft cannot be switched to required encryption by the WARP.
    const draft = await (
      await t.call('POST', '/api/v1/advisories', { token: warp, body: advisoryInput({ tlp: 'RED' }) })
    ).json();
    const patch = await t.call('PATCH', `/api/v1/advisories/${draft.id}`, {
      token: warp,
      body: { requireEncryption: true },
    });
    expect(patch.status).toBe(403);
    const byAdmin = await t.call('PATCH', `/api/v1/advisories/${draft.id}`, {
      token: admin,
      body: { requireEncryption: true },
    });
    expect(byAdmin.status).toBe(200);
    expect((await byAdmin.json()).requireEncryption).toBe(true);
  });
});

const advisoryTitleWords = 'Red hot secret';

function advisoryInput(overrides: Record<string, unknown>) {
  return {
    title: 'Matrix of secrets',
    summary: 'Something to do.',
    body: 'Do it now.',
    severity: 'high',
    tlp: 'AMBER',
    audience: { warps: ['wales'] },
    ...overrides,
  };
}

describe('who may switch a council back to plaintext', () => {
  // Found by the red-team pass of 5 December 2026: removing a confirmed key turns the council's AMBER and RED
  // mail back into plaintext, so only the council itself or an admin may do it.
  it('a WARP operator cannot remove a council’s confirmed key: the next AMBER copy is still encrypted', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const keys = (await (await t.call('GET', '/api/v1/mailboxes/WA1-primary/keys', { token: wales })).json())
      .items;
    const res = await t.call('DELETE', `/api/v1/mailboxes/WA1-primary/keys/${keys[0].id}`, { token: wales });
    expect(res.status).toBe(403);
    await send({ tlp: 'AMBER', title: 'Secret VPN flaw in Example appliances' });
    const copy = copyTo(ADDRESS);
    expect(copy.raw ?? copy.text).not.toContain('Secret VPN flaw');
  });
});
