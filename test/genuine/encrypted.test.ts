// The genuineness check meets ENCRYPTED advisories as a council does: a TLP:AMBER advisory fanned out to a
// mailbox with a confirmed key (made by GnuPG) goes PGP/MIME encrypted, and DKIM-signed as the SMTP adapter
// signs it is genuine; one changed character of the encrypted body is altered (body); re-addressed to
// another council's mailbox it is not sent by us; with our DKIM signature removed (where we DKIM-sign) it
// is altered (headers), and only where we do not DKIM-sign at all is it cannot-check. A TLP:RED heads-up
// to a keyless mailbox is genuine.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dkimSign, importDkimKey } from '../../src/mail/dkim.js';
import { advisoryCopies, createAdvisory, drain } from '../advisories/fanout-support.js';
import { type CouncilKey, encryptedParts, makeCouncilKey } from '../mailbox-keys/support.js';
import { makeTestKey, type TestKey } from '../pgp/support.js';
import type { TestApp } from '../support/app.js';
import { der, genuineApp, ours } from './support.js';

const KEYED = 'primary@wa1.gov.uk';
const KEYLESS = 'primary@wa0.gov.uk';

let key: TestKey;
let t: TestApp;
let admin: string;
let council: CouncilKey | undefined;

beforeAll(async () => {
  key = await makeTestKey();
});

afterEach(() => {
  council?.gpg.close();
  council = undefined;
  t.close();
});

/** A test app as the genuineness tests make it, WA1's primary mailbox holding a confirmed council key. */
async function appWithKeyedMailbox(env: Record<string, string> = {}) {
  ({ t, admin } = await genuineApp(key, env));
  council = makeCouncilKey(KEYED);
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
}

/** Releases (and approves, for RED) an advisory to Wales and delivers it. */
async function send(overrides: Record<string, unknown>) {
  const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] }, ...overrides });
  const released = await (await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin })).json();
  if (released.state === 'awaiting-approval') {
    const second = await t.tokenFor('admin');
    expect((await t.call('POST', `/api/v1/advisories/${id}/approve`, { token: second })).status).toBe(200);
  }
  await drain(t);
}

/** The copy delivered to `address`, DKIM-signed with the configured key as the SMTP adapter signs it. */
async function signedCopyTo(address: string) {
  const copy = advisoryCopies(t).find((m) => m.to === address)!;
  return dkimSign(
    copy.raw!,
    { domain: 'cyber-contacts.test', selector: 'cc2026', key: await importDkimKey(der(ours)) },
    t.clock.now(),
  );
}

async function check(raw: string) {
  const res = await t.app.request('/api/v1/genuine', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as {
    verdict: string;
    checks: { dkim: string; openpgp: string; sentToAddress: boolean };
    changed: string | null;
  };
}

/** One character of the armored data changed, in the middle of the encrypted body. */
function changeEncryptedBody(raw: string) {
  const { armored } = encryptedParts(raw);
  const lines = armored.split(/\r?\n/);
  const i = lines.findIndex((l, n) => n > 2 && /^[A-Za-z0-9+/]{40,}$/.test(l));
  expect(i).toBeGreaterThan(0);
  const line = lines[i]!;
  const at = Math.floor(line.length / 2);
  const changed = `${line.slice(0, at)}${line[at] === 'A' ? 'B' : 'A'}${line.slice(at + 1)}`;
  const out = raw.replace(line, changed);
  expect(out).not.toBe(raw);
  return out;
}

const withoutDkim = (raw: string) => raw.replace(/^DKIM-Signature:[^\r\n]*(\r\n[ \t][^\r\n]*)*\r\n/im, '');

describe('the genuineness check with encrypted advisories', () => {
  it('an encrypted TLP:AMBER copy as delivered is genuine; changed, re-addressed or without DKIM it is not', async () => {
    await appWithKeyedMailbox();
    await send({ tlp: 'AMBER', title: 'Encrypted appliance flaw' });
    const raw = await signedCopyTo(KEYED);
    expect(raw).toMatch(/Content-Type: multipart\/encrypted/i);
    expect(raw).not.toContain('Encrypted appliance flaw');

    expect(await check(raw)).toMatchObject({
      verdict: 'genuine',
      checks: { dkim: 'pass', openpgp: 'encrypted', sentToAddress: true },
      changed: null,
    });

    expect(await check(changeEncryptedBody(raw))).toMatchObject({
      verdict: 'altered',
      checks: { dkim: 'fail', openpgp: 'encrypted', sentToAddress: true },
      changed: 'body',
    });

    // Another council's mailbox in the same fan-out: we sent that Message-ID to WA1, not to WA0.
    const readdressed = raw.replace(/^To:[^\r\n]*/im, `To: ${KEYLESS}`);
    expect(readdressed).not.toBe(raw);
    expect(await check(readdressed)).toMatchObject({
      verdict: 'not-sent-by-us',
      checks: { sentToAddress: false },
    });

    // We DKIM-sign every message (DKIM_DOMAIN is set): a copy without our signature had it removed.
    const stripped = withoutDkim(raw);
    expect(stripped).not.toMatch(/^DKIM-Signature:/im);
    expect(await check(stripped)).toMatchObject({
      verdict: 'altered',
      checks: { dkim: 'none', openpgp: 'encrypted', sentToAddress: true },
      changed: 'headers',
    });
  });

  it('where we do not DKIM-sign, an encrypted copy cannot be checked (the council checks the signature inside)', async () => {
    await appWithKeyedMailbox({ DKIM_DOMAIN: '' });
    await send({ tlp: 'AMBER', title: 'Encrypted appliance flaw' });
    const raw = advisoryCopies(t).find((m) => m.to === KEYED)!.raw!;
    expect(await check(raw)).toMatchObject({
      verdict: 'cannot-check',
      checks: { dkim: 'none', openpgp: 'encrypted', sentToAddress: true },
    });
  });

  it('a TLP:RED heads-up (encryption required, keyless mailbox) is genuine', async () => {
    await appWithKeyedMailbox();
    await send({ tlp: 'RED', title: 'Red hot secret', requireEncryption: true });
    const raw = await signedCopyTo(KEYLESS);
    expect(raw).not.toContain('Red hot secret');
    expect(raw).toMatch(/a TLP:RED advisory is waiting for you/);
    // Its footer says where to check it (the signed part, quoted-printable soft breaks undone).
    expect(raw.replace(/=\r\n/g, '')).toContain(
      'Check that this e-mail is genuine at http://cyber-contacts.test/genuine',
    );
    expect(await check(raw)).toMatchObject({
      verdict: 'genuine',
      checks: { dkim: 'pass', openpgp: 'pass', sentToAddress: true },
    });
    // The heads-up, re-addressed to the keyed mailbox, was not sent there (that one got the encrypted copy).
    const readdressed = raw.replace(/^To:[^\r\n]*/im, `To: ${KEYED}`);
    expect((await check(readdressed)).verdict).toBe('not-sent-by-us');
  });
});
