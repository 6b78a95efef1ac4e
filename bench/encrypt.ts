// `npm run bench -- encrypt [--messages N]`: what encrypting an advisory copy to a council's key costs, per
// message, against signing it only (the service's PGP/MIME path for every copy): the same ~6 KB MIME
// advisory, the same service key (Ed25519), a council key (Ed25519 + Curve25519, as `gpg --quick-gen-key`
// makes), each copy signed then encrypted in one OpenPGP message (RFC 3156 §6.2) as message.ts does.
import { generateKey, readKey } from 'openpgp';
import { buildMimeMessage } from '../src/mail/mime-message.js';
import { loadOpenPgpKeys } from '../src/mail/openpgp-keys.js';
import { encryptMessage } from '../src/mail/pgp-encrypted.js';
import { signMessage } from '../src/mail/pgp-mime.js';
import type { PartSummary } from './lib/part.js';
import { fmt, now } from './lib/timing.js';

const paragraph =
  'Apply the vendor’s fix to every Example VPN appliance today; the flaw is being exploited. Check the logs for sign-ins from unknown addresses since 1 November and reset the credentials of any account that used one. ';

export async function runEncryptBench(messages = 500): Promise<PartSummary> {
  const at = new Date('2026-01-01T00:00:00Z');
  const service = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ email: 'no-reply@cyber-contacts.test' }],
    date: at,
    format: 'armored',
  });
  const council = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ email: 'security@council.example' }],
    date: at,
    format: 'armored',
  });
  const keys = await loadOpenPgpKeys({
    privateKey: service.privateKey,
    mailDomain: 'cyber-contacts.test',
    now: () => new Date(),
  });
  const recipient = await readKey({ armoredKey: council.publicKey });
  const text = paragraph.repeat(14);
  const raw = buildMimeMessage(
    {
      to: 'security@council.example',
      subject: 'ADV-2026-0001 [TLP:AMBER] Critical vulnerability in Example VPN appliances',
      text,
      html: `<p>${text}</p>`,
      messageId: '<bench@cyber-contacts.test>',
    },
    { from: 'no-reply@cyber-contacts.test', date: new Date() },
  );

  const time = async (each: () => Promise<string>) => {
    for (let i = 0; i < 20; i++) await each(); // warm-up
    const start = now();
    let bytes = 0;
    for (let i = 0; i < messages; i++) bytes += (await each()).length;
    return { us: ((now() - start) * 1000) / messages, bytes: bytes / messages };
  };
  const signed = await time(() => signMessage(raw, keys));
  const encrypted = await time(() =>
    encryptMessage(raw, (t) => keys.signAndEncrypt(t, recipient), 'ADV-2026-0001: encrypted advisory'),
  );
  return {
    part: 'encrypt',
    ok: true,
    rows: [
      { figure: 'message (plain MIME)', value: `${fmt.int(raw.length)} bytes` },
      {
        figure: 'signed only (PGP/MIME)',
        value: `${fmt.int(signed.us)} µs/message, ${fmt.int(signed.bytes)} bytes`,
      },
      {
        figure: 'signed and encrypted',
        value: `${fmt.int(encrypted.us)} µs/message, ${fmt.int(encrypted.bytes)} bytes`,
      },
      { figure: 'encrypt ratio (encrypted / signed)', value: (encrypted.us / signed.us).toFixed(2) },
    ],
  };
}
