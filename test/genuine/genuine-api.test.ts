// POST /api/v1/genuine end to end: a real advisory delivered through the test app (PGP/MIME signed by the
// service, DKIM-signed with the configured key as the SMTP adapter does) is genuine; one changed body
// character or header makes it altered (and says which part); the same message re-addressed to another
// council, or forged with other keys and a made-up Message-ID, is not sent by us; a reference of a RED
// advisory shows no title; the check is rate limited, size limited, and bad input is problem+json.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dkimSign, importDkimKey } from '../../src/mail/dkim.js';
import { loadOpenPgpKeys } from '../../src/mail/openpgp-keys.js';
import { signMessage } from '../../src/mail/pgp-mime.js';
import { makeTestKey, type TestKey } from '../pgp/support.js';
import { insertAdvisory } from '../support/advisory-factories.js';
import type { TestApp } from '../support/app.js';
import { deliveredCopy as copyOf, der, genuineApp, ours, provider } from './support.js';

const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });

let key: TestKey;
let forgerKey: TestKey;
let t: TestApp;
let admin: string;

beforeAll(async () => {
  [key, forgerKey] = await Promise.all([makeTestKey(), makeTestKey()]);
});

async function app(env: Record<string, string> = {}) {
  ({ t, admin } = await genuineApp(key, env));
}

beforeEach(() => app());
afterEach(() => t.close());

const deliveredCopy = (selector?: string, signer?: typeof ours) => copyOf(t, admin, selector, signer);

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
    explanation: string;
  };
}

describe('POST /api/v1/genuine with an e-mail', () => {
  it('calls a delivered advisory genuine, through every check', async () => {
    const { raw, to } = await deliveredCopy();
    const answer = await check(raw);
    expect(answer).toMatchObject({
      verdict: 'genuine',
      checks: { dkim: 'pass', openpgp: 'pass', sentToAddress: true },
      changed: null,
    });
    expect(answer.explanation).toContain(`we sent it to ${to}`);
    // Saved on Unix, with LF line ends: the same message.
    expect((await check(raw.replace(/\r\n/g, '\n'))).verdict).toBe('genuine');
  });

  it('calls it altered when one character of the body changed, and says the content changed', async () => {
    const { raw } = await deliveredCopy();
    // A character of the signed text part (quoted-printable text), not of the headers.
    const i = raw.indexOf('Content-Type: text/plain');
    const j = raw.indexOf('\r\n\r\n', i) + 4;
    const changed = `${raw.slice(0, j)}${raw[j] === 'X' ? 'Y' : 'X'}${raw.slice(j + 1)}`;
    const answer = await check(changed);
    expect(answer).toMatchObject({
      verdict: 'altered',
      changed: 'body',
      checks: { dkim: 'fail', openpgp: 'fail', sentToAddress: true },
    });
    expect(answer.explanation).toMatch(/content .* has been changed/);
  });

  it('calls it altered when the Subject or the From header changed, and says the headers changed', async () => {
    const { raw } = await deliveredCopy();
    for (const changed of [
      raw.replace(/^Subject: /m, 'Subject: URGENT '),
      raw.replace(/^From: .*$/m, 'From: Council cyber contacts <security@cyber-contacts.test>'),
    ]) {
      expect(changed).not.toBe(raw);
      const answer = await check(changed);
      expect(answer).toMatchObject({
        verdict: 'altered',
        changed: 'headers',
        checks: { dkim: 'fail', openpgp: 'pass', sentToAddress: true },
      });
      expect(answer.explanation).toMatch(/headers .* have been changed/);
    }
  });

  it('calls it altered when our DKIM signature was removed', async () => {
    const { raw } = await deliveredCopy();
    const stripped = raw.replace(/^DKIM-Signature:.*\r\n([ \t].*\r\n)*/, '');
    expect(stripped).not.toContain('DKIM-Signature');
    expect(await check(stripped)).toMatchObject({ verdict: 'altered', changed: 'headers' });
  });

  it('says "not sent by us" for the same message re-addressed to another council, as for a made-up one', async () => {
    const { raw, to } = await deliveredCopy();
    const other = 'primary@lo1.gov.uk'; // a London council's mailbox, which got other copies
    expect(to).not.toBe(other);
    const readdressed = raw.replace(/^To: .*$/m, `To: ${other}`);
    const answer = await check(readdressed);
    expect(answer).toMatchObject({ verdict: 'not-sent-by-us', checks: { sentToAddress: false } });
    // Nothing about the real recipient or the council shows.
    expect(answer.explanation).not.toContain(to);
    expect(answer.explanation).not.toMatch(/wales|WA\d/i);
    // The same answer as for a Message-ID we never used.
    const madeUp = readdressed.replace(
      /^Message-ID: .*$/im,
      'Message-ID: <delivery.0123456789abcdef@cyber-contacts.test>',
    );
    expect((await check(madeUp)).explanation).toBe(answer.explanation);
  });

  it('says "not sent by us" for a forgery with other keys and a made-up Message-ID', async () => {
    const { raw: real, to } = await deliveredCopy();
    // The forger copies our message's look, signs it with their own OpenPGP key and a DKIM key of their
    // own under our domain and selector, and makes up a Message-ID.
    const body = real.slice(real.indexOf('\r\n\r\n') + 4);
    const forgedPlain = [
      'From: Council cyber contacts <no-reply@cyber-contacts.test>',
      `To: ${to}`,
      'Subject: TLP:AMBER NCSC-2026-0001: patch now',
      'Message-ID: <delivery.feedfacefeedface@cyber-contacts.test>',
      'Date: Mon, 30 Nov 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Install the attached "patch" today: https://evil.example/patch.exe',
      '',
    ].join('\r\n');
    expect(body).not.toContain('evil.example');
    const forgerPgp = await loadOpenPgpKeys({
      privateKey: forgerKey.privateKey,
      mailDomain: 'cyber-contacts.test',
      now: () => t.clock.now(),
    });
    const forged = await dkimSign(
      await signMessage(forgedPlain, forgerPgp),
      { domain: 'cyber-contacts.test', selector: 'cc2026', key: await importDkimKey(der(forger)) },
      t.clock.now(),
    );
    const answer = await check(forged);
    expect(answer).toMatchObject({
      verdict: 'not-sent-by-us',
      checks: { dkim: 'fail', openpgp: 'not-ours', sentToAddress: false },
    });
  });

  it("takes a provider's DKIM key from DNS (SES signs with keys we only know there)", async () => {
    const { raw } = await deliveredCopy('ses', provider);
    expect(await check(raw)).toMatchObject({ verdict: 'genuine', checks: { dkim: 'pass' } });
    // Another domain's valid signature is not ours.
    const { raw: elsewhere } = await deliveredCopy('cc2026', ours);
    const moved = elsewhere.replace('d=cyber-contacts.test', 'd=evil.example');
    expect((await check(moved)).checks.dkim).toBe('none');
  });
});

describe('POST /api/v1/genuine with a reference', () => {
  const ask = async (reference: unknown) => {
    const res = await t.call('POST', '/api/v1/genuine', { body: { reference } });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  it('says a RED advisory was issued and when, without its title or a link', async () => {
    const red = await insertAdvisory(t.db, {
      tlp: 'RED',
      title: 'Secret exploit in Example VPN',
      reference: 'NCSC-2026-0777',
    });
    const answer = await ask('ncsc-2026-0777');
    expect(answer).toMatchObject({ verdict: 'issued', reference: 'NCSC-2026-0777', publicUrl: null });
    expect(answer.issuedAt).toBe(red.releasedAt!.toISOString());
    expect(JSON.stringify(answer)).not.toContain('Secret exploit');
    expect(JSON.stringify(answer)).not.toContain('RED');
  });

  it('links a TLP:CLEAR advisory to its public page', async () => {
    await insertAdvisory(t.db, { tlp: 'CLEAR', reference: 'NCSC-2026-0778' });
    expect((await ask('NCSC-2026-0778')).publicUrl).toBe(
      'http://cyber-contacts.test/advisories/public/NCSC-2026-0778',
    );
  });

  it('says an unknown reference, a draft or a test advisory was not issued by us', async () => {
    await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0779',
      state: 'draft',
      releasedAt: null,
      sentAt: null,
    });
    await insertAdvisory(t.db, { reference: 'NCSC-2026-0780', test: true });
    for (const reference of ['NCSC-2026-9999', 'NCSC-2026-0779', 'NCSC-2026-0780']) {
      const answer = await ask(reference);
      expect(answer).toMatchObject({ verdict: 'not-issued', issuedAt: null, publicUrl: null });
      expect(answer.explanation).toContain(`We have not issued an advisory with the reference ${reference}`);
    }
  });
});

describe('POST /api/v1/genuine refuses', () => {
  const problemOf = async (res: Response, status: number) => {
    expect(res.status, await res.clone().text()).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return (await res.json()) as { code: string; detail: string };
  };
  const post = (body: BodyInit, type: string, headers: Record<string, string> = {}) =>
    t.app.request('/api/v1/genuine', { method: 'POST', headers: { 'content-type': type, ...headers }, body });

  it('too many checks from one address: 429 with Retry-After', async () => {
    t.close();
    await app({ RATE_LIMIT_PER_IP: '3' });
    const from = { 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < 3; i++)
      expect(
        (await post(JSON.stringify({ reference: 'NCSC-2026-0001' }), 'application/json', from)).status,
      ).toBe(200);
    const res = await post('From: a@b.example\r\n\r\nhello', 'message/rfc822', from);
    expect((await problemOf(res, 429)).code).toBe('rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a message over 1 MB: 413', async () => {
    const big = `From: a@b.example\r\nTo: c@d.example\r\n\r\n${'x'.repeat(1024 * 1024 + 10)}`;
    expect((await problemOf(await post(big, 'message/rfc822'), 413)).code).toBe('payload_too_large');
  });

  it('malformed input: problem+json', async () => {
    expect((await problemOf(await post('just some text', 'message/rfc822'), 400)).code).toBe('bad_request');
    expect((await problemOf(await post('', 'message/rfc822'), 400)).code).toBe('bad_request');
    expect((await problemOf(await post('{"reference": 1', 'application/json'), 400)).code).toBe(
      'bad_request',
    );
    expect(
      (await problemOf(await post(JSON.stringify({ reference: '<script>' }), 'application/json'), 422)).code,
    ).toBe('validation_failed');
    expect(
      (await problemOf(await post(JSON.stringify({ reference: 'X', extra: 1 }), 'application/json'), 422))
        .code,
    ).toBe('validation_failed');
    expect((await problemOf(await post('<p>hi</p>', 'text/html'), 415)).code).toBe('unsupported_media_type');
  });
});
