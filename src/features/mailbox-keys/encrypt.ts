// Encrypting a whole e-mail to one mailbox's key, as PGP/MIME (src/mail/pgp-encrypted.ts): signed with the
// service key when one is set (combined signing and encryption, RFC 3156 §6.2), encrypted only otherwise.
// GOV.UK Notify sends its own templates, never our MIME: with MAIL_PROVIDER=notify nothing can be
// encrypted, and callers fall back (a heads-up instead of content, or no key confirmation at all).
import type { PublicKey } from 'openpgp';
import type { Deps } from '../../deps.js';
import { encryptMessage } from '../../mail/pgp-encrypted.js';
import { encryptUnsigned } from '../../mail/recipient-key.js';
import { advisorySigner } from '../openpgp/service-key.js';

/** Encrypts a whole message to a recipient's key, with a neutral Subject outside. */
export type MailEncryptor = (raw: string, recipient: PublicKey, neutralSubject: string) => Promise<string>;

/** Whether this service can send encrypted mail at all (not through GOV.UK Notify). */
export const canEncrypt = (deps: Pick<Deps, 'config'>) => deps.config.MAIL_PROVIDER !== 'notify';

/** The encryptor of this service, or null when mail cannot be encrypted (GOV.UK Notify). */
export async function mailEncryptor(
  deps: Pick<Deps, 'config' | 'clock' | 'log'>,
): Promise<MailEncryptor | null> {
  if (!canEncrypt(deps)) return null;
  const signer = await advisorySigner(deps);
  return (raw, recipient, subject) =>
    encryptMessage(
      raw,
      (text) =>
        signer ? signer.signAndEncrypt(text, recipient) : encryptUnsigned(text, recipient, deps.clock.now()),
      subject,
    );
}
