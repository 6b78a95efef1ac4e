// What a mailbox registration must look like: one zod schema for the API, the page and the CSV import.

import { z } from '@hono/zod-openapi';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { mailboxKinds, mailboxStates } from '../../domain/mailbox-states.js';
import { mailboxStatuses } from '../checks/status.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const noControl = /^[^\u0000-\u001f\u007f\u0085\u2028\u2029]*$/;

export const phoneSchema = z
  .string()
  .trim()
  .min(1, 'Enter a phone number for the team')
  .max(40, 'The phone number must be 40 characters or fewer')
  // No regex flags: the OpenAPI document publishes the source as a JSON Schema pattern, which has none
  // (an `i` flag came out as a stray `/i` that no number could match), so "ext" is spelt out in both cases.
  .regex(
    /^\+?[0-9 ()-]+(\s*([Ee][Xx][Tt]\.?|[Xx])\s*[0-9]{1,6})?$/,
    'Enter a phone number, like 029 2087 2000 or +44 29 2087 2000',
  )
  .refine((v) => {
    const digits = v.replace(/\D/g, '').length;
    return digits >= 10 && digits <= 15 + 6;
  }, 'Enter a phone number with its area code, like 029 2087 2000');

export const teamSchema = z
  .string()
  .trim()
  .min(1, 'Enter the name of the team that reads the mailbox')
  .max(200, 'The team name must be 200 characters or fewer')
  .regex(noControl, 'The team name must not contain line breaks or control characters');

/** A mailbox's contact details, changed by its council (or staff in scope). */
export const MailboxContact = z
  .object({
    team: teamSchema.openapi({ example: 'Cyber Security Team' }),
    phone: phoneSchema.openapi({ example: '029 2087 2000' }),
  })
  .strict()
  .openapi('MailboxContact');

export const MailboxRegistration = z
  .object({
    authority: authorityCodeSchema(
      'Choose the council from the list, or give its register code such as CRF',
    ).openapi({ example: 'CRF', description: 'The authority’s register code (local-authority-code)' }),
    address: z
      .string()
      .trim()
      .min(1, 'Enter the mailbox address')
      .max(254, 'The address must be 254 characters or fewer')
      .regex(noControl, 'The address must not contain line breaks or control characters')
      .openapi({ example: 'cyber@cardiff.gov.uk' }),
    kind: z
      .enum(mailboxKinds, { message: 'Choose primary, secondary or out-of-hours' })
      .openapi({ example: 'primary' }),
    team: teamSchema.openapi({ example: 'Cyber Security Team' }),
    phone: phoneSchema.openapi({ example: '029 2087 2000' }),
  })
  .strict()
  .openapi('MailboxRegistration');

export type MailboxRegistrationInput = z.output<typeof MailboxRegistration>;

export const MailboxSchema = z
  .object({
    id: z.string(),
    authority: z.string(),
    address: z.string(),
    kind: z.enum(mailboxKinds),
    team: z.string(),
    phone: z.string(),
    state: z.enum(mailboxStates),
    needsApproval: z.boolean(),
    looksPersonal: z.boolean(),
    replaces: z.string().nullable(),
    handoverDueAt: z.string().nullable().openapi({
      description:
        'A new primary in state awaiting-handover takes over at this time unless the current primary or an admin refuses it first.',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    confirmedAt: z.string().nullable(),
    retiredAt: z.string().nullable(),
    retiredReason: z.string().nullable(),
    status: z.enum(mailboxStatuses).openapi({
      description:
        'Reachability: unverified (not confirmed yet), confirmed, stale (re-confirmation overdue), unreachable (hard bounce, or the domain takes no mail), at-risk (soft bounces, or the domain’s checks), retired',
    }),
    reachability: z.object({
      reasons: z.array(z.string()),
      reconfirmDueAt: z.string().nullable(),
      staleAt: z.string().nullable(),
      unreachableAt: z.string().nullable(),
      unreachableReason: z.string().nullable(),
      softBounces: z.number().int(),
      lastBounceAt: z.string().nullable(),
    }),
  })
  .openapi('Mailbox');
