// What the genuineness check takes and answers, for the API (and its OpenAPI document) and the page.
import { z } from '@hono/zod-openapi';
import { dkimChecks, pgpChecks, verdicts } from './check-message.js';

export const referenceSchema = z
  .string()
  .trim()
  .min(1, 'Enter the advisory reference, like NCSC-2026-0042')
  .max(60, 'An advisory reference is 60 characters or fewer')
  .regex(/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/, 'Enter the reference as it is written, like NCSC-2026-0042');

export const ReferenceQuestion = z
  .object({ reference: referenceSchema.openapi({ example: 'NCSC-2026-0042' }) })
  .strict()
  .openapi('GenuineReferenceQuestion');

export const MessageAnswer = z
  .object({
    verdict: z.enum(verdicts).openapi({
      description:
        '`genuine`: we sent it to that address and it is unchanged. `altered`: we sent it there, but it has changed since. `not-sent-by-us`: we did not send it to that address. `cannot-check`: we sent it there but nothing in it can be checked by us (encrypted, or our key could not be fetched).',
    }),
    checks: z.object({
      dkim: z.enum(dkimChecks).openapi({
        description: 'A DKIM signature of our mail domain: valid, failing, absent, or its key unavailable',
      }),
      openpgp: z
        .enum(pgpChecks)
        .openapi({ description: 'The PGP/MIME signature against our published keys' }),
      sentToAddress: z
        .boolean()
        .openapi({ description: 'We sent this Message-ID to an address in its To field' }),
    }),
    changed: z.enum(['body', 'headers']).nullable().openapi({ description: 'What changed, when altered' }),
    explanation: z.string(),
  })
  .openapi('GenuineMessageAnswer', {
    example: {
      verdict: 'genuine',
      checks: { dkim: 'pass', openpgp: 'pass', sentToAddress: true },
      changed: null,
      explanation:
        'This message is genuine: we sent it to cyber@cardiff.gov.uk, and both our DKIM signature and our OpenPGP signature are valid, so nothing in it has changed.',
    },
  });

export const ReferenceAnswer = z
  .object({
    verdict: z.enum(['issued', 'not-issued']),
    reference: z.string(),
    issuedAt: z.string().nullable().openapi({ description: 'When it was issued (ISO 8601)' }),
    publicUrl: z
      .string()
      .nullable()
      .openapi({ description: 'Its public page, only for TLP:CLEAR advisories' }),
    explanation: z.string(),
  })
  .openapi('GenuineReferenceAnswer', {
    example: {
      verdict: 'not-issued',
      reference: 'NCSC-2026-9999',
      issuedAt: null,
      publicUrl: null,
      explanation:
        'We have not issued an advisory with the reference NCSC-2026-9999. If a message claims to be our advisory NCSC-2026-9999, it was not sent by us: treat it as suspicious and report it to your security team.',
    },
  });
