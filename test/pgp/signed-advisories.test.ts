// Every advisory e-mail is PGP/MIME signed (RFC 3156) with the service's key, and GnuPG (Debian's gpg, an
// implementation independent of openpgp.js) verifies it against the key the running service publishes by
// its Web Key Directory. A changed byte fails; other mail of the service stays unsigned.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/adapters/mailer-smtp.js';
import { parseConfig } from '../../src/config.js';
import { createToken } from '../../src/features/auth/tokens.js';
import { wkdHash } from '../../src/mail/wkd.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import { insertStaff } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { type Gpg, gpgHome, makeTestKey, pgpMimeParts, type TestKey } from './support.js';

let key: TestKey;
let t: TestApp;
let gpg: Gpg;
let admin: string;

beforeAll(async () => {
  key = await makeTestKey();
});

beforeEach(async () => {
  t = await makeTestApp({ env: { OPENPGP_PRIVATE_KEY: key.privateKey } });
  await seedFanOut(t);
  admin = await t.tokenFor('admin');
  gpg = gpgHome();
  // The key as the running service serves it by WKD (the direct method), imported into GnuPG.
  const wkd = await t.app.request(`/.well-known/openpgpkey/hu/${await wkdHash('no-reply')}?l=no-reply`);
  expect(wkd.status).toBe(200);
  gpg.importKeys(new Uint8Array(await wkd.arrayBuffer()));
});

afterEach(() => {
  gpg.close();
  t.close();
});

/** GnuPG's VALIDSIG status line: the fingerprint and the hash algorithm (8 SHA-256, 10 SHA-512 …). */
function validSig(status: string) {
  const line = /\[GNUPG:\] VALIDSIG (\S+)(?: \S+){5} \S+ (\d+)/.exec(status);
  return line ? { fingerprint: line[1], hash: Number(line[2]) } : null;
}
const micalgOf = (hash: number) => ({ 8: 'pgp-sha256', 9: 'pgp-sha384', 10: 'pgp-sha512' })[hash];

async function sendToWales() {
  const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
  const res = await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
  expect(res.status).toBe(200);
  await drain(t);
  return id;
}

describe('signed advisories', () => {
  it('every delivered copy is multipart/signed and verifies with gpg against the key fetched by WKD', async () => {
    await sendToWales();
    const copies = advisoryCopies(t);
    expect(copies).toHaveLength(6);
    for (const copy of copies) {
      const parts = pgpMimeParts(copy.raw!);
      expect(parts.type).toMatch(/protocol="application\/pgp-signature"/);
      expect(parts.signatureHeaders).toMatch(/^Content-Type: application\/pgp-signature/);
      // The signed part is the whole body as it was: text and HTML, with its own acknowledgement link.
      expect(parts.signedPart).toMatch(/^Content-Type: multipart\/alternative; boundary=/);
      expect(parts.signedPart).toContain('Content-Type: text/html');
      expect(parts.signedPart).toContain('/ack/');
      const verified = gpg.verify(parts.signedPart, parts.signature);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr).toContain(
        'Good signature from "Council cyber contacts <no-reply@cyber-contacts.test>"',
      );
      // micalg names the hash the signature really used.
      const status = gpg.run([
        '--status-fd',
        '1',
        '--verify',
        `${gpg.home}/signature.asc`,
        `${gpg.home}/signed-part`,
      ]);
      const sig = validSig(status.stdout);
      expect(sig?.fingerprint).toBe(key.fingerprint);
      expect(parts.type).toContain(`micalg=${micalgOf(sig!.hash)}`);
      // The headers outside the signed part are the message's own: From, To, Subject, the TLP label.
      expect(parts.head).toMatch(/^From: /m);
      expect(parts.head).toContain(`To: ${copy.to}`);
      expect(parts.head).toMatch(/^X-TLP: AMBER$/m);
    }
  });

  it('a changed byte of the body, or of the signature, fails gpg --verify', async () => {
    await sendToWales();
    const [copy] = advisoryCopies(t);
    const parts = pgpMimeParts(copy!.raw!);
    expect(gpg.verify(parts.signedPart, parts.signature).status).toBe(0);
    // A forger swaps the acknowledgement link for their own.
    const forged = parts.signedPart.replace(
      /http:\/\/cyber-contacts\.test\/ack\//g,
      'http://evil.example/ack/',
    );
    expect(forged).not.toBe(parts.signedPart);
    const bad = gpg.verify(forged, parts.signature);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('BAD signature');
    // One character of the text.
    const oneChar = parts.signedPart.replace('Actively', 'Activelz');
    expect(gpg.verify(oneChar, parts.signature).status).not.toBe(0);
    // Another copy's signature does not fit this copy (each has its own link).
    const other = pgpMimeParts(advisoryCopies(t)[1]!.raw!);
    expect(gpg.verify(parts.signedPart, other.signature).status).not.toBe(0);
  });

  it('a copy signed with another key is not good against the published key', async () => {
    const stranger = await makeTestKey();
    const t2 = await makeTestApp({ env: { OPENPGP_PRIVATE_KEY: stranger.privateKey } });
    try {
      await seedFanOut(t2);
      const token = await t2.tokenFor('admin');
      const { id } = await createAdvisory(t2, token, { audience: { warps: ['wales'] } });
      await t2.call('POST', `/api/v1/advisories/${id}/release`, { token });
      await drain(t2);
      const parts = pgpMimeParts(advisoryCopies(t2)[0]!.raw!);
      const result = gpg.verify(parts.signedPart, parts.signature);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/No public key/);
    } finally {
      t2.close();
    }
  });

  it('the bytes a mail server received over SMTP verify too', async () => {
    const sink = await startSmtpSink();
    const env = {
      PUBLIC_BASE_URL: 'http://cyber-contacts.test',
      SMTP_URL: sink.url,
      OPENPGP_PRIVATE_KEY: key.privateKey,
    };
    const smtp = await makeTestApp({
      env,
      deps: { mailer: smtpMailer(parseConfig(env), memoryLogger('silent')) },
    });
    try {
      await seedFanOut(smtp, ['wales'], 1);
      const token = await smtp.tokenFor('admin');
      const { id } = await createAdvisory(smtp, token, { audience: { warps: ['wales'] } });
      await smtp.call('POST', `/api/v1/advisories/${id}/release`, { token });
      await drain(smtp);
      const received = await sink.waitFor(2);
      for (const message of received) {
        const parts = pgpMimeParts(message.raw.toString('latin1'));
        const result = gpg.verify(parts.signedPart, parts.signature);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stderr).toContain('Good signature');
      }
    } finally {
      await smtp.deps.mailer.close();
      smtp.close();
      await sink.close();
    }
  });

  it('a test sent to its author is signed; the notice about an approval is not (only advisories are signed)', async () => {
    await insertStaff(t.db, ['duty@ncsc.gov.uk'], { role: 'admin' });
    const principal = {
      actor: 'staff:duty@ncsc.gov.uk',
      label: 'duty@ncsc.gov.uk',
      role: 'admin' as const,
      warpId: null,
      authorityCode: null,
      via: 'session' as const,
    };
    const session = (await createToken(t.deps, { principal }, { name: 'duty', role: 'admin' })).token;
    const { id } = await createAdvisory(t, admin, { tlp: 'RED' });
    expect((await t.call('POST', `/api/v1/advisories/${id}/test`, { token: session })).status).toBe(202);
    const [test] = t.mailer.to('duty@ncsc.gov.uk');
    const parts = pgpMimeParts(test!.raw!);
    expect(parts.signedPart).toContain('THIS IS A TEST MESSAGE');
    const result = gpg.verify(parts.signedPart, parts.signature);
    expect(result.status, result.stderr).toBe(0);

    // Released to two WARPs, it waits for a second admin: the staff are told, by mail that is not signed.
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await drain(t);
    const notice = t.mailer.sent.find((m) => m.subject.startsWith('Waiting for your approval'));
    expect(notice).toBeDefined();
    expect(notice!.raw ?? '').not.toContain('multipart/signed');
  });

  it('/readyz says advisories are signed, with the fingerprint', async () => {
    const ready = await (await t.call('GET', '/readyz')).json();
    expect(ready.status).toBe('ok');
    expect(ready.checks.signing).toEqual({
      ok: true,
      detail: `advisories are signed with OpenPGP key ${key.fingerprint}`,
    });
  });
});
