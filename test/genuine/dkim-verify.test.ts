// Our DKIM verifier (Web Crypto) against three signers: the service's own, mailauth's (relaxed and simple,
// RSA and Ed25519) and nodemailer's (an independent implementation), and against mailauth's verifier:
// what they sign passes, a changed body says "body", a changed signed header or an added From says
// "headers", and l= is refused.
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth';
import { dkimSign as mailauthSign } from 'mailauth/lib/dkim/sign';
import { createTransport } from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { dkimSign, importDkimKey } from '../../src/mail/dkim.js';
import { fromBytes } from '../../src/mail/dkim-canon.js';
import { type DkimKeyLookup, importDkimRecord, verifyDkim } from '../../src/mail/dkim-verify.js';
import { mimeTemplate } from '../../src/mail/mime-message.js';
import { readRawMessage } from '../../src/mail/raw-message.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const rsaRecord = `v=DKIM1; k=rsa; p=${rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
// The raw 32-byte Ed25519 key is the end of its SPKI encoding (RFC 8463 publishes the raw key).
const edRecord = `v=DKIM1; k=ed25519; p=${ed.publicKey.export({ type: 'spki', format: 'der' }).subarray(-32).toString('base64')}`;
const records: Record<string, string> = {
  'rsa._domainkey.cyber-contacts.test': rsaRecord,
  'ed._domainkey.cyber-contacts.test': edRecord,
};
const lookup: DkimKeyLookup = async (d, s) => {
  const record = records[`${s}._domainkey.${d}`];
  return record ? importDkimRecord(record) : { status: 'none', reason: 'no key' };
};
const mailauthResolver = async (name: string, type: string) => {
  if (type === 'TXT' && records[name]) return [[records[name]]];
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

const NOW = new Date();
let signingKey: CryptoKey;
beforeAll(async () => {
  signingKey = await importDkimKey(new Uint8Array(rsa.privateKey.export({ type: 'pkcs8', format: 'der' })));
});

function message() {
  return mimeTemplate({
    from: 'Council cyber contacts <no-reply@cyber-contacts.test>',
    subject: 'TLP:AMBER NCSC-2026-0042: a subject long enough to be folded over more than one line of it',
    text: 'Patch today.\n\nTrailing spaces   \nand  runs\tof white space.\n\n\n',
    html: '<p>Patch <strong>today</strong>.</p>',
    headers: { 'X-TLP': 'AMBER' },
  }).fill({ to: 'cyber@cardiff.gov.uk', messageId: '<delivery.d1@cyber-contacts.test>', date: NOW });
}

async function outcomes(raw: string) {
  return (await verifyDkim(readRawMessage(raw), lookup, NOW)).map((r) => r.outcome);
}

/** The same message with each kind of change an attacker or a relay might make. */
async function expectTamperOutcomes(signed: string) {
  expect(await outcomes(signed)).toEqual(['pass']);
  expect(await outcomes(signed.replace('Patch today.', 'Patch tomorrow.'))).toEqual(['body']);
  expect(await outcomes(signed.replace('Subject: TLP:AMBER', 'Subject: TLP:CLEAR'))).toEqual(['headers']);
  const [head, ...rest] = signed.split('\r\n\r\n');
  const withSecondFrom = `${head}\r\nFrom: attacker@evil.example\r\n\r\n${rest.join('\r\n\r\n')}`;
  expect(await outcomes(withSecondFrom)).toEqual(['headers']);
  // Saved on Unix (bare LF line ends): still the same message.
  expect(await outcomes(signed.replace(/\r\n/g, '\n'))).toEqual(['pass']);
  // mailauth (the independent verifier) agrees on every one: pass exactly where we pass.
  for (const raw of [
    signed,
    signed.replace('Patch today.', 'Patch tomorrow.'),
    signed.replace('Subject: TLP:AMBER', 'Subject: TLP:CLEAR'),
    withSecondFrom,
  ]) {
    const { results } = await dkimVerify(Buffer.from(raw, 'latin1'), { resolver: mailauthResolver });
    const theirs = results.map((r) => r.status.result === 'pass');
    expect(theirs).toEqual((await outcomes(raw)).map((o) => o === 'pass'));
  }
}

describe('verifyDkim', () => {
  it('passes what the service signs, and names what changed', async () => {
    const signed = await dkimSign(
      message(),
      { domain: 'cyber-contacts.test', selector: 'rsa', key: signingKey },
      NOW,
    );
    await expectTamperOutcomes(signed);
    // mailauth agrees on the untouched one
    const { results } = await dkimVerify(Buffer.from(signed), { resolver: mailauthResolver });
    expect(results.map((r) => r.status.result)).toEqual(['pass']);
  });

  for (const [algorithm, canonicalization, selector, privateKey] of [
    ['rsa-sha256', 'relaxed/relaxed', 'rsa', rsa.privateKey],
    ['rsa-sha256', 'simple/simple', 'rsa', rsa.privateKey],
    ['rsa-sha256', 'relaxed/simple', 'rsa', rsa.privateKey],
    ['ed25519-sha256', 'simple/relaxed', 'ed', ed.privateKey],
  ] as const) {
    it(`passes mailauth's ${algorithm} ${canonicalization} signatures`, async () => {
      const raw = message();
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
      const { signatures, errors } = await mailauthSign(raw, {
        signingDomain: 'cyber-contacts.test',
        selector,
        privateKey: pem,
        canonicalization,
        algorithm,
        signTime: NOW,
        headerList: ['from', 'to', 'subject', 'date', 'message-id', 'content-type', 'from'],
        signatureData: [
          {
            signingDomain: 'cyber-contacts.test',
            selector,
            privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }),
          },
        ],
      });
      expect(errors).toEqual([]);
      await expectTamperOutcomes(`${signatures}${raw}`);
    });
  }

  it("passes nodemailer's signatures", async () => {
    const transport = createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'windows',
      dkim: {
        domainName: 'cyber-contacts.test',
        keySelector: 'rsa',
        privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      },
    });
    const info = await transport.sendMail({
      from: 'Council cyber contacts <no-reply@cyber-contacts.test>',
      to: 'cyber@cardiff.gov.uk',
      subject: 'TLP:AMBER NCSC-2026-0042',
      text: 'Patch today.\n',
    });
    const signed = fromBytes(info.message as Buffer);
    expect(await outcomes(signed)).toEqual(['pass']);
    expect(await outcomes(signed.replace('Patch today.', 'Patch tomorrow.'))).toEqual(['body']);
    expect(await outcomes(signed.replace('Subject: TLP:AMBER', 'Subject: TLP:CLEAR'))).toEqual(['headers']);
  });

  it('refuses a signature with l= (content could be appended), and one whose key is unknown', async () => {
    const raw = message();
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' });
    const { signatures } = await mailauthSign(raw, {
      signingDomain: 'cyber-contacts.test',
      selector: 'rsa',
      privateKey: pem,
      signTime: NOW,
      signatureData: [
        {
          signingDomain: 'cyber-contacts.test',
          selector: 'rsa',
          privateKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
          maxBodyLength: 20,
        },
      ],
    });
    expect(await outcomes(`${signatures}${raw}`)).toEqual(['invalid']);
    const other = await dkimSign(
      raw,
      { domain: 'cyber-contacts.test', selector: 'gone', key: signingKey },
      NOW,
    );
    expect(await outcomes(other)).toEqual(['no-key']);
  });
});
