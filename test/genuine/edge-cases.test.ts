// The edge cases of the verdict (README "Is this genuine?"): an author's test send is ours too; without
// DKIM configured an intact OpenPGP signature is enough, a removed one is "altered", and an encrypted
// advisory "cannot be checked" by us; the OpenAPI document describes the operation as public.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/features/auth/tokens.js';
import { MessageAnswer, ReferenceAnswer, ReferenceQuestion } from '../../src/features/genuine/schemas.js';
import { dkimSign, importDkimKey } from '../../src/mail/dkim.js';
import { createAdvisory } from '../advisories/fanout-support.js';
import { makeTestKey, type TestKey } from '../pgp/support.js';
import { insertStaff } from '../support/advisory-factories.js';
import type { TestApp } from '../support/app.js';
import { deliveredCopy, der, genuineApp, ours } from './support.js';

let key: TestKey;
let t: TestApp;
beforeAll(async () => {
  key = await makeTestKey();
});
afterEach(() => t.close());

async function check(raw: string) {
  const res = await t.app.request('/api/v1/genuine', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

describe('the verdict at the edges', () => {
  it("an author's test of an advisory, sent to themselves, is genuine to that address only", async () => {
    const app = await genuineApp(key);
    t = app.t;
    const principal = {
      actor: 'staff:duty@ncsc.gov.uk',
      label: 'duty@ncsc.gov.uk',
      role: 'admin' as const,
      warpId: null,
      authorityCode: null,
      via: 'session' as const,
    };
    await insertStaff(t.db, ['duty@ncsc.gov.uk']);
    const session = (await createToken(t.deps, { principal }, { name: 'duty', role: 'admin' })).token;
    const { id } = await createAdvisory(t, app.admin, { tlp: 'RED' });
    expect((await t.call('POST', `/api/v1/advisories/${id}/test`, { token: session })).status).toBe(202);
    const [copy] = t.mailer.to('duty@ncsc.gov.uk');
    // DKIM-signed as the SMTP edge signs it.
    const dkimKey = await importDkimKey(der(ours));
    const raw = await dkimSign(
      copy!.raw!,
      { domain: 'cyber-contacts.test', selector: 'cc2026', key: dkimKey },
      t.clock.now(),
    );
    expect(await check(raw)).toMatchObject({
      verdict: 'genuine',
      checks: { dkim: 'pass', openpgp: 'pass', sentToAddress: true },
    });
    // Unsigned by DKIM, where DKIM_DOMAIN says we sign: altered (the headers are not ours to vouch for).
    expect(await check(copy!.raw!)).toMatchObject({ verdict: 'altered', checks: { dkim: 'none' } });
    // To anyone else: not sent by us.
    expect(await check(raw.replace(/^To: .*$/m, 'To: primary@wa0.gov.uk'))).toMatchObject({
      verdict: 'not-sent-by-us',
    });
  });

  it('without DKIM configured: OpenPGP intact is genuine, removed is altered, encrypted cannot be checked', async () => {
    const app = await genuineApp(key, { DKIM_DOMAIN: '', DKIM_SELECTOR: '', DKIM_PRIVATE_KEY: '' });
    t = app.t;
    const { raw } = await deliveredCopy(t, app.admin);
    const unsigned = raw.replace(/^DKIM-Signature:.*\r\n([ \t].*\r\n)*/, '');
    expect(await check(unsigned)).toMatchObject({
      verdict: 'genuine',
      checks: { dkim: 'none', openpgp: 'pass', sentToAddress: true },
    });
    // The PGP/MIME wrapping taken off: only the signed part left as the body.
    const boundary = /boundary="([^"]+)"/.exec(unsigned)![1]!;
    const head = unsigned
      .slice(0, unsigned.indexOf('\r\n\r\n'))
      .replace(/^Content-Type: multipart\/signed;.*\r\n([ \t].*\r\n)*/m, '');
    const signedPart = unsigned.split(`--${boundary}\r\n`)[1]!.replace(/\r\n$/, '');
    const stripped = `${head}\r\n${signedPart}`;
    expect(await check(stripped)).toMatchObject({
      verdict: 'altered',
      changed: 'body',
      checks: { openpgp: 'none', sentToAddress: true },
    });
    const encrypted = unsigned.replace(
      /^Content-Type: multipart\/signed;[^\r\n]*(\r\n[ \t][^\r\n]*)*/m,
      `Content-Type: multipart/encrypted; boundary="${boundary}";\r\n protocol="application/pgp-encrypted"`,
    );
    const answer = await check(encrypted);
    expect(answer).toMatchObject({
      verdict: 'cannot-check',
      checks: { dkim: 'none', openpgp: 'encrypted', sentToAddress: true },
    });
    expect(answer.explanation).toContain('your mail program checks the signature');
  });

  it('is documented as a public operation, with examples that fit their schemas', async () => {
    const app = await genuineApp(key);
    t = app.t;
    const doc = await (await t.app.request('/openapi.json')).json();
    const op = doc.paths['/api/v1/genuine'].post;
    expect(op.operationId).toBe('checkGenuine');
    expect(op.security).toEqual([]);
    expect(op.summary).toBeTruthy();
    const schemas = doc.components.schemas;
    expect(MessageAnswer.safeParse(schemas.GenuineMessageAnswer.example).success).toBe(true);
    expect(ReferenceAnswer.safeParse(schemas.GenuineReferenceAnswer.example).success).toBe(true);
    expect(
      ReferenceQuestion.safeParse({
        reference: schemas.GenuineReferenceQuestion.properties.reference.example,
      }).success,
    ).toBe(true);
  });
});
