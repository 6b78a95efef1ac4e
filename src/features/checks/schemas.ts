// The shapes the reachability API answers with.
import { z } from '@hono/zod-openapi';
import { checkKinds, checkSeverities } from '../../domain/check-results.js';
import { mailboxKinds, mailboxStates } from '../../domain/mailbox-states.js';
import { mailboxStatuses } from './status.js';

export const DomainParam = z.object({
  domain: z
    .string()
    .max(253)
    .regex(
      /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$/,
      'Give a domain name, like cardiff.gov.uk',
    )
    .transform((d) => d.toLowerCase().replace(/\.$/, ''))
    .openapi({ example: 'cardiff.gov.uk', param: { name: 'domain', in: 'path' } }),
});

const FindingSchema = z.object({
  code: z.string().openapi({ example: 'dmarc-none' }),
  severity: z.enum(checkSeverities),
  message: z.string(),
});

export const CheckSchema = z
  .object({
    kind: z.enum(checkKinds),
    severity: z.enum(checkSeverities),
    summary: z.string().openapi({
      example:
        'Your domain example.gov.uk publishes DMARC with p=none: spoofed mail is not blocked. Move to quarantine or reject.',
    }),
    findings: z.array(FindingSchema),
    detail: z.record(z.string(), z.unknown()),
    checkedAt: z.string(),
    lastDefinite: z.any().optional().openapi({
      description: 'For a temporary result: the latest result that was not temporary',
    }),
  })
  .openapi('DomainCheck');

const Latest = z.record(z.string(), CheckSchema).openapi({ description: 'The latest result of each kind' });

export const DomainChecksSchema = z
  .object({
    domain: z.string(),
    latest: Latest,
    history: z.array(CheckSchema).optional(),
  })
  .openapi('DomainChecks');

export const CheckRunSchema = z
  .object({
    domain: z.string(),
    checkedAt: z.string(),
    results: z.array(CheckSchema),
    markedUnreachable: z.array(z.string()).openapi({ description: 'Mailboxes this run marked unreachable' }),
    restored: z
      .array(z.string())
      .openapi({ description: 'Mailboxes whose DNS unreachable mark this run lifted' }),
    mailboxes: z
      .array(
        z.object({
          id: z.string(),
          address: z.string(),
          status: z.enum(mailboxStatuses),
          reasons: z.array(z.string()),
        }),
      )
      .openapi({ description: 'Each live mailbox on the domain after this run: its status and why' }),
  })
  .openapi('DomainCheckRun');

export const AuthorityChecksSchema = z
  .object({
    authority: z.string(),
    mailboxes: z.array(
      z.object({
        id: z.string(),
        address: z.string(),
        kind: z.enum(mailboxKinds),
        state: z.enum(mailboxStates),
        domain: z.string(),
        status: z.enum(mailboxStatuses),
        reasons: z.array(z.string()),
      }),
    ),
    domains: z.array(z.object({ domain: z.string(), latest: Latest })),
  })
  .openapi('AuthorityChecks');

export const BounceOutcomeSchema = z
  .object({
    matched: z.boolean(),
    summary: z.string().openapi({
      description:
        'What the report changed, in words, e.g. `no delivery matched; nothing changed`, `delivery failed; mailbox marked unreachable`, `our mail was refused: a technical failure of ours, not the council’s`',
      example: 'no delivery matched; nothing changed',
    }),
    deliveryId: z.string().optional(),
    mailboxId: z.string().optional(),
    recipients: z.array(
      z.object({
        recipient: z.string().nullable(),
        action: z.string(),
        status: z.string().nullable(),
        class: z.enum(['mailbox', 'soft', 'ours', 'unknown', 'none']).openapi({
          description:
            'Whose fault (RFC 3463): mailbox (address or mailbox wrong or gone), soft (full, delayed, 4.x.x), ours (our mail refused: sender, size, policy), unknown, none (not a failure)',
        }),
        effect: z
          .enum(['unreachable', 'failed', 'soft-bounce', 'ours', 'recorded', 'unmatched', 'duplicate'])
          .openapi({
            description:
              'What it changed: unreachable (delivery failed, mailbox marked), failed (delivery failed), soft-bounce (counted), ours (delivery a technical failure of ours), recorded (kept, nothing to change), unmatched (no signed delivery or no matching recipient: nothing changed), duplicate (seen before: nothing changed)',
          }),
      }),
    ),
  })
  .openapi('BounceOutcome');
