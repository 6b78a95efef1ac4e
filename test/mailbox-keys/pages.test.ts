// The council's pages for a mailbox's key, without JavaScript: the account page offers it, the key page
// takes a pasted key (errors in an error summary), a look-up on the domain, and a removal; the encrypted
// link's page confirms it; the authority page shows the fingerprint to the council's WARP and not to
// another council (404).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedFanOut } from '../advisories/fanout-support.js';
import { type Browser, browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type CouncilKey, encryptedParts, makeCouncilKey } from './support.js';

let t: TestApp;
let wa1: Browser;
let key: CouncilKey;
const ADDRESS = 'primary@wa1.gov.uk';
const grouped = (fpr: string) => fpr.replace(/(.{4})(?=.)/g, '$1 ');

beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
  wa1 = browser(t);
  await wa1.signInAs(t.deps, { role: 'council', authorityCode: 'WA1', label: 'wales council 1' });
  key = makeCouncilKey(ADDRESS);
});

afterEach(() => {
  key.gpg.close();
  t.close();
});

async function giveKey(armored: string) {
  await wa1.get('/account/mailboxes/WA1-primary/key');
  return wa1.send('/account/mailboxes/WA1-primary/key', { key: armored });
}

describe('the key pages', () => {
  it('the account page offers a key; a pasted key is confirmed through the encrypted link’s page', async () => {
    const account = await wa1.get('/account');
    expect(account.html).toContain('href="/account/mailboxes/WA1-primary/key"');
    expect(account.html).toContain('None: TLP:AMBER and TLP:RED advisories are not encrypted');

    const page = await wa1.get('/account/mailboxes/WA1-primary/key');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<textarea');
    expect(page.html).toContain('Look up the Web Key Directory');

    const after = await giveKey(key.publicKey);
    expect(after.redirectedTo).toBe('/account');
    expect(after.html).toContain('encrypted to the new key');
    expect(after.html).toContain(grouped(key.fingerprint));
    expect(after.html).toContain('Waiting for confirmation');

    const out = key.decrypt(encryptedParts(t.mailer.sent.at(-1)!.raw!).armored);
    const link = /https?:\/\/[^\s"]+\/confirm-key\/[A-Za-z0-9_-]{20,}/.exec(
      out.plaintext.replace(/=\r?\n/g, ''),
    )![0];
    const path = new URL(link).pathname;
    const holder = browser(t);
    const confirmPage = await holder.get(path);
    expect(confirmPage.html).toContain(grouped(key.fingerprint));
    const confirmed = await holder.post(path, {});
    expect(confirmed.status).toBe(303);
    const done = await holder.get(confirmed.location!);
    expect(done.html).toContain('Encryption key confirmed');
    expect((await wa1.get('/account')).html).toContain('In use');
  });

  it('shows a refused key in an error summary, keeping what was pasted', async () => {
    const res = await giveKey(
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\nxyz\n-----END PGP PRIVATE KEY BLOCK-----',
    );
    expect(res.status).toBe(422);
    expect(res.html).toContain('govuk-error-summary');
    expect(res.html).toContain('secret (private) key');
    expect(res.html).toContain('BEGIN PGP PRIVATE KEY BLOCK');
  });

  it('the authority page shows the fingerprint to the council’s WARP; another council gets 404', async () => {
    await giveKey(key.publicKey);
    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'wales', label: 'Wales WARP' });
    const page = await warp.get('/authorities/WA1');
    expect(page.status).toBe(200);
    expect(page.html).toContain(grouped(key.fingerprint));
    const other = browser(t);
    await other.signInAs(t.deps, { role: 'council', authorityCode: 'WA2', label: 'wales council 2' });
    expect((await other.get('/authorities/WA1')).status).toBe(404);
    expect((await other.get('/account/mailboxes/WA1-primary/key')).status).toBe(404);
    await other.get('/account');
    expect((await other.send('/account/mailboxes/WA1-primary/key', { key: key.publicKey })).status).toBe(404);
  });

  it('removes a key from the key page', async () => {
    await giveKey(key.publicKey);
    const page = await wa1.get('/account/mailboxes/WA1-primary/key');
    const action = /action="(\/account\/mailboxes\/WA1-primary\/keys\/[^/"]+\/remove)"/.exec(page.html)![1]!;
    const removed = await wa1.send(action, {});
    expect(removed.redirectedTo).toBe('/account');
    expect(removed.html).toContain('is removed');
    expect(removed.html).toContain('None: TLP:AMBER and TLP:RED advisories are not encrypted');
  });
});
