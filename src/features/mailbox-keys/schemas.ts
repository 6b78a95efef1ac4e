// The mailbox key API's shapes (registered in the OpenAPI document).
import { z } from '@hono/zod-openapi';
import { mailboxKeySources, mailboxKeyStates } from '../../domain/mailbox-key-states.js';
import { MAX_KEY_BYTES } from '../../mail/recipient-key.js';

export const MailboxKeySchema = z
  .object({
    id: z.string(),
    mailboxId: z.string(),
    fingerprint: z.string().openapi({ description: '40 hex digits, upper case' }),
    fingerprintGrouped: z
      .string()
      .openapi({ description: 'The fingerprint in groups of four, as people compare it' }),
    source: z.enum(mailboxKeySources),
    sourceUrl: z.string().nullable().openapi({ description: 'Where a discovered key was fetched from' }),
    state: z.enum(mailboxKeyStates),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    problem: z.string().nullable().openapi({ description: 'What the last check found wrong with the key' }),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
  })
  .openapi('MailboxKey');

export const KeyUpload = z
  .object({
    key: z
      .string()
      .min(1, 'Give the armored public key')
      .max(MAX_KEY_BYTES, `The key is larger than ${MAX_KEY_BYTES / 1024} KB`)
      .openapi({ description: 'The armored OpenPGP public key (gpg --armor --export ADDRESS)' }),
  })
  .strict()
  .openapi('MailboxKeyUpload', {
    example: { key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ…\n-----END PGP PUBLIC KEY BLOCK-----' },
  });

export const KeyDiscovery = z
  .object({
    source: z.enum(['wkd', 'security-txt'], { message: 'source is wkd or security-txt' }).openapi({
      description:
        'wkd: the Web Key Directory of the mailbox’s domain (advanced, then direct); security-txt: the key its security.txt’s Encryption field points to',
    }),
  })
  .strict()
  .openapi('MailboxKeyDiscovery', { example: { source: 'wkd' } });

export const KeyAdded = z
  .object({
    key: MailboxKeySchema,
    confirmationSent: z.boolean().openapi({
      description: 'Whether the confirmation link went to the mailbox (encrypted to the key)',
    }),
    unchanged: z.boolean().openapi({ description: 'True when this key was already the confirmed one' }),
  })
  .openapi('MailboxKeyAdded');
