// Set-up for the genuineness tests: a test app with the service's OpenPGP key and DKIM settings, councils
// in two WARPs, and a real advisory delivered through it, DKIM-signed with the configured key as the SMTP
// adapter signs it (the memory mailer keeps the PGP/MIME bytes; DKIM is added at the SMTP edge).
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { dkimSign, importDkimKey } from '../../src/mail/dkim.js';
import { advisoryCopies, createAdvisory, drain, seedFanOut } from '../advisories/fanout-support.js';
import type { TestKey } from '../pgp/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';

export const rsaPair = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ours = rsaPair();
export const provider = rsaPair();
export const pem = (k: typeof ours) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
export const der = (k: typeof ours) => new Uint8Array(k.privateKey.export({ type: 'pkcs8', format: 'der' }));
const spki = (k: typeof ours) => k.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

export async function genuineApp(key: TestKey, env: Record<string, string> = {}) {
  const t = await makeTestApp({
    env: {
      OPENPGP_PRIVATE_KEY: key.privateKey,
      DKIM_DOMAIN: 'cyber-contacts.test',
      DKIM_SELECTOR: 'cc2026',
      DKIM_PRIVATE_KEY: pem(ours),
      ...env,
    },
    deps: {
      // A provider (SES's Easy DKIM) signs with a key known only through DNS.
      resolver: memoryResolver({
        'ses._domainkey.cyber-contacts.test': { TXT: [`v=DKIM1; k=rsa; p=${spki(provider)}`] },
      }),
    },
  });
  await seedFanOut(t);
  return { t, admin: await t.tokenFor('admin') };
}

/** Releases an advisory to Wales and returns one delivered copy, DKIM-signed as the SMTP adapter signs it. */
export async function deliveredCopy(t: TestApp, admin: string, selector = 'cc2026', signer = ours) {
  const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
  expect((await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin })).status).toBe(200);
  await drain(t);
  const copy = advisoryCopies(t)[0]!;
  const signed = await dkimSign(
    copy.raw!,
    { domain: 'cyber-contacts.test', selector, key: await importDkimKey(der(signer)) },
    t.clock.now(),
  );
  return { raw: signed, to: copy.to };
}
