// A council's confirmed encryption key can be removed only by the council or an admin: a WARP operator who
// sees the mailbox cannot switch its AMBER/RED mail back to plaintext (red-team pass, 5 December 2026).
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wkdHash } from '../../src/mail/wkd.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { type CouncilKey, encryptedParts, makeCouncilKey } from '../mailbox-keys/support.js';
import { makeTestKey, type TestKey } from '../pgp/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';

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

describe('red team: a WARP operator downgrades a council to plaintext', () => {
  it('a WARP operator cannot remove a council’s confirmed key (or the council is told)', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const keys = (await (await t.call('GET', '/api/v1/mailboxes/WA1-primary/keys', { token: wales })).json())
      .items;
    const res = await t.call('DELETE', `/api/v1/mailboxes/WA1-primary/keys/${keys[0].id}`, { token: wales });
    console.log('remove by WARP operator:', res.status);
    const toldCouncil = t.mailer.sent.filter((m) => m.to === ADDRESS).length;
    await send({ tlp: 'AMBER', title: 'Secret VPN flaw in Example appliances' });
    const copy = copyTo(ADDRESS);
    console.log('notices to the council about the removal:', toldCouncil);
    expect(copy.raw ?? copy.text).not.toContain('Secret VPN flaw');
  });
});
