// Our DKIM signer (rsa-sha256, relaxed/relaxed, Web Crypto) against an independent verifier (mailauth,
// the library receiving systems use): a signed message verifies against the published key; a changed
// body, a changed signed header or an added From does not.
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { dkimSign, importDkimKey, relaxedBody } from '../../src/mail/dkim.js';
import { mimeTemplate } from '../../src/mail/mime-message.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const published = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
let key: CryptoKey;
beforeAll(async () => {
  key = await importDkimKey(new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })));
});

const resolver = async (name: string, type: string) => {
  if (type === 'TXT' && name === 'cc2026._domainkey.cyber-contacts.test')
    return [[`v=DKIM1; k=rsa; p=${published}`]];
  throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENOTFOUND' });
};

/** Not "pass": mailauth answers "neutral" for a body hash that does not match, "fail" for a bad signature. */
const refused = (results: string[]) => results.length === 1 && ['fail', 'neutral'].includes(results[0]!);

async function verify(raw: string) {
  const { results } = await dkimVerify(Buffer.from(raw), { resolver });
  return results.map((r) => r.status.result);
}

function message() {
  return mimeTemplate({
    from: 'Council cyber contacts <no-reply@cyber-contacts.test>',
    subject:
      'TLP:AMBER NCSC-2026-0042: a subject long enough to be folded over more than one line of the header',
    text: 'Patch today.\n\nTrailing spaces   \nand  runs\tof white space.\n\n\n',
    html: '<p>Patch <strong>today</strong>.</p>',
    headers: { 'X-TLP': 'AMBER' },
  }).fill({ to: 'cyber@cardiff.gov.uk', messageId: '<delivery.d1@cyber-contacts.test>', date: new Date() });
}

describe('dkimSign', () => {
  it('signs so that an independent verifier passes it, and fails it when anything signed changes', async () => {
    const signed = await dkimSign(
      message(),
      { domain: 'cyber-contacts.test', selector: 'cc2026', key },
      new Date(),
    );
    expect(signed).toMatch(
      /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=cyber-contacts\.test; s=cc2026;/,
    );
    expect(await verify(signed)).toEqual(['pass']);

    expect(refused(await verify(signed.replace('Patch today.', 'Patch tomorrow.')))).toBe(true);
    expect(refused(await verify(signed.replace('Subject: TLP:AMBER', 'Subject: TLP:CLEAR')))).toBe(true);
    const [head, ...body] = signed.split('\r\n\r\n');
    const withSecondFrom = `${head}\r\nFrom: attacker@evil.example\r\n\r\n${body.join('\r\n\r\n')}`;
    expect(refused(await verify(withSecondFrom))).toBe(true);
    // relaxed canonicalisation: white space changed on the way in a header still verifies
    expect(await verify(signed.replace('X-TLP: AMBER', 'X-TLP:   AMBER'))).toEqual(['pass']);
  });

  it('relaxed body: no white space at line ends, runs as one, no empty lines at the end', () => {
    expect(relaxedBody('a  b \t\r\nc\r\n\r\n\r\n')).toBe('a b\r\nc\r\n');
    expect(relaxedBody('no newline')).toBe('no newline\r\n');
    expect(relaxedBody('\r\n\r\n')).toBe('');
  });
});
