// What an advisory must look like: one zod schema for the API, the compose page and the CLI's files;
// and the advisory, its preview and the test audiences as the API answers them.

import { z } from '@hono/zod-openapi';
import { advisoryKinds, advisoryStates, severities } from '../../domain/advisory-states.js';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { tlpLabels } from '../../domain/tlp.js';
import { warpIdPattern } from '../authority-register/warps.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const noControl = /^[^\u0000-\u001f\u007f\u0085\u2028\u2029]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a body may hold tabs and line breaks, nothing else
const bodyControl = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const MAX_BODY_BYTES = 100 * 1024;
const MAX_LIST_ITEMS = 500;
const cvePattern = /^CVE-\d{4}-\d{4,}$/;
const referencePattern = /^[A-Z0-9][A-Z0-9-]{2,62}[A-Z0-9]$/;
/** A test audience's name; a WARP operator's are `<warp id>.<name>`. */
export const testAudienceNamePattern = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\.)?[a-z0-9][a-z0-9-]{0,62}$/;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

const title = z
  .string({ message: 'Enter a title' })
  .trim()
  .min(1, 'Enter a title')
  .max(200, 'The title must be 200 characters or fewer')
  .regex(noControl, 'The title must not contain line breaks or control characters')
  .openapi({ example: 'Critical vulnerability in Example VPN appliances' });

const summary = z
  .string({ message: 'Enter a summary' })
  .trim()
  .min(1, 'Enter a summary')
  .max(1000, 'The summary must be 1,000 characters or fewer')
  .regex(noControl, 'The summary must not contain line breaks or control characters')
  .openapi({ example: 'Patch Example VPN now: the flaw is being exploited.' });

const body = z
  .string({ message: 'Enter the body of the advisory' })
  .refine((v) => v.trim().length > 0, 'Enter the body of the advisory')
  .refine((v) => utf8Length(v) <= MAX_BODY_BYTES, 'The body must be 100 KB or smaller')
  .refine((v) => !bodyControl.test(v), 'The body must not contain control characters')
  .openapi({ description: 'Markdown; raw HTML is shown as text, links only to http(s) and mailto' });

const severity = z
  .enum(severities, { message: `Choose the severity: ${severities.join(', ')}` })
  .openapi({ example: 'high' });

const tlp = z
  .enum(tlpLabels, { message: `Choose the TLP label: ${tlpLabels.join(', ')}` })
  .openapi({ example: 'AMBER', description: 'FIRST TLP 2.0' });

const cve = z
  .string({ message: 'A CVE id is text, like CVE-2026-12345' })
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(cvePattern, 'Enter a CVE id like CVE-2026-12345'));

const cves = z
  .array(cve, { message: 'CVE ids are a list' })
  .max(MAX_LIST_ITEMS, `At most ${MAX_LIST_ITEMS} CVE ids`)
  .transform((list) => [...new Set(list)])
  .openapi({ example: ['CVE-2026-12345'] });

const reference = z
  .string({ message: 'A reference is a web address' })
  .trim()
  .max(2000, 'A reference must be 2,000 characters or fewer')
  .pipe(
    z.url({
      protocol: /^https?$/,
      message: 'A reference must be a web address starting https:// or http://',
    }),
  );

const references = z
  .array(reference, { message: 'References are a list of web addresses' })
  .max(MAX_LIST_ITEMS, `At most ${MAX_LIST_ITEMS} references`)
  .transform((list) => [...new Set(list)])
  .openapi({ example: ['https://www.ncsc.gov.uk/news/example'] });

const textList = (what: string, item: z.ZodType<string>) =>
  z
    .array(item, { message: `${what} are a list` })
    .max(MAX_LIST_ITEMS, `At most ${MAX_LIST_ITEMS} ${what.toLowerCase()}`)
    .transform((list) => [...new Set(list)])
    .optional();

const place = z
  .string()
  .trim()
  .min(1, 'An empty name is not allowed')
  .max(100, 'A name must be 100 characters or fewer')
  .regex(noControl, 'A name must not contain control characters');

const AudienceSchema = z
  .object({
    all: z.boolean({ message: 'all is true or false' }).optional(),
    nations: textList('Nations', place),
    regions: textList('Regions', place),
    warps: textList(
      'WARPs',
      z.string().trim().regex(warpIdPattern, 'A WARP id is a lower-case slug, like wales'),
    ),
    types: textList(
      'Council types',
      z
        .string()
        .trim()
        .regex(/^[A-Za-z]{1,10}$/, 'A council type is a register code, like UA or NMD')
        .transform((v) => v.toUpperCase()),
    ),
    authorities: textList(
      'Councils',
      authorityCodeSchema('A council is given by its register code, like CRF'),
    ),
  })
  .strict()
  .refine(
    (a) =>
      a.all === true ||
      [a.nations, a.regions, a.warps, a.types, a.authorities].some((v) => v && v.length > 0),
    {
      message:
        'Choose who the advisory is for: all councils, or some nations, regions, WARPs, types or councils',
    },
  )
  .openapi('AdvisoryAudience', {
    description:
      '`{"all": true}`, or dimensions that narrow each other (values within one are alternatives); explicit council codes are always added.',
    example: { nations: ['Wales'], types: ['UA'] },
  });

const testAudienceName = z
  .string()
  .trim()
  .regex(testAudienceNamePattern, 'A test audience name is lower-case letters, digits and hyphens');

/** The fields an author writes; every one optional here so a PATCH can reuse them. */
const fields = {
  reference: z
    .string()
    .trim()
    .regex(referencePattern, 'A reference is upper-case letters, digits and hyphens, like NCSC-2026-0042')
    .optional()
    .openapi({ description: 'Generated (PREFIX-YYYY-NNNN) when absent' }),
  title,
  summary,
  body,
  severity,
  tlp,
  cves,
  references,
  audience: AudienceSchema,
  test: z
    .boolean({ message: 'test is true or false' })
    .openapi({ description: 'Test mode: sends to a test audience only' }),
  testAudience: testAudienceName
    .nullable()
    .optional()
    .openapi({ description: 'The named test audience; required in test mode' }),
  urgent: z.boolean({ message: 'urgent is true or false' }).openapi({
    description:
      'Admins only: text a heads-up (no content) to the audience’s confirmed out-of-hours mobiles as it goes out, as a critical advisory does',
  }),
  requireEncryption: z.boolean({ message: 'requireEncryption is true or false' }).openapi({
    description:
      'Admins only, TLP:RED only: mailboxes without a confirmed OpenPGP key get a heads-up (reference and TLP, a sign-in link) instead of the content',
  }),
};

function testAudienceRule(v: { test?: boolean; testAudience?: string | null }, ctx: z.RefinementCtx) {
  if (v.test && !v.testAudience)
    ctx.addIssue({
      code: 'custom',
      path: ['testAudience'],
      message: 'Choose the test audience: test mode sends to a named test audience only',
    });
  if (!v.test && v.testAudience)
    ctx.addIssue({
      code: 'custom',
      path: ['test'],
      message:
        'Only a test advisory goes to a test audience: set test to true, or leave out the test audience',
    });
}

export const AdvisoryInput = z
  .object({
    ...fields,
    cves: cves.default([]),
    references: references.default([]),
    test: fields.test.default(false),
    urgent: fields.urgent.default(false),
    requireEncryption: fields.requireEncryption.default(false),
  })
  .strict()
  .superRefine(testAudienceRule)
  .openapi('NewAdvisory', {
    example: {
      title: 'Critical vulnerability in Example VPN appliances',
      summary: 'Patch Example VPN now: the flaw is being exploited.',
      body: '## What to do\n\nApply the vendor’s fix today.',
      severity: 'critical',
      tlp: 'AMBER',
      cves: ['CVE-2026-12345'],
      references: ['https://www.ncsc.gov.uk/news/example'],
      audience: { all: true },
      test: false,
    },
  });

export type AdvisoryInputData = z.output<typeof AdvisoryInput>;

export const AdvisoryPatch = z
  .object({
    title: title.optional(),
    summary: summary.optional(),
    body: body.optional(),
    severity: severity.optional(),
    tlp: tlp.optional(),
    cves: cves.optional(),
    references: references.optional(),
    audience: AudienceSchema.optional(),
    test: fields.test.optional(),
    testAudience: fields.testAudience,
    urgent: fields.urgent.optional(),
    requireEncryption: fields.requireEncryption.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change')
  .openapi('AdvisoryPatch');

export type AdvisoryPatchData = z.output<typeof AdvisoryPatch>;

export const AdvisoryVersionInput = z
  .object({
    kind: z.enum(['update', 'cancellation'], { message: 'kind is update or cancellation' }),
    reference: fields.reference,
    title: title.optional().openapi({ description: 'The original’s title when absent' }),
    summary,
    body,
    severity: severity.optional(),
    tlp: tlp.optional(),
    cves: cves.optional(),
    references: references.optional(),
    audience: AudienceSchema.optional(),
    test: fields.test.optional(),
    testAudience: fields.testAudience,
    urgent: fields.urgent.optional(),
  })
  .strict()
  .openapi('NewAdvisoryVersion', { description: 'Fields left out are the original’s' });

export type AdvisoryVersionData = z.output<typeof AdvisoryVersionInput>;

const at = z.string().nullable();

export const AdvisorySchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    kind: z.enum(advisoryKinds),
    parentId: z.string().nullable(),
    threadId: z.string(),
    title: z.string(),
    summary: z.string(),
    body: z.string(),
    bodyHtml: z.string().openapi({ description: 'The body rendered from Markdown, sanitised' }),
    severity: z.enum(severities),
    tlp: z.enum(tlpLabels),
    cves: z.array(z.string()),
    references: z.array(z.string()),
    audience: z.object({
      all: z.boolean().optional(),
      nations: z.array(z.string()).optional(),
      regions: z.array(z.string()).optional(),
      warps: z.array(z.string()).optional(),
      types: z.array(z.string()).optional(),
      authorities: z.array(z.string()).optional(),
    }),
    test: z.boolean(),
    testAudience: z.string().nullable(),
    urgent: z
      .boolean()
      .openapi({ description: 'Marked urgent by an admin (texts a heads-up like a critical one)' }),
    requireEncryption: z.boolean().openapi({
      description:
        'TLP:RED only, set by an admin: mailboxes without a confirmed OpenPGP key get a heads-up instead of the content',
    }),
    state: z.enum(advisoryStates),
    warp: z.string().nullable().openapi({ description: 'The WARP that wrote it; null for NCSC advisories' }),
    createdBy: z.string().openapi({
      description: 'Who wrote it (a token or staff member); councils see only "NCSC" or the WARP',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    releasedBy: z.string().nullable(),
    releasedAt: at,
    approvedBy: z.string().nullable(),
    approvedAt: at,
    sentAt: at,
    cancelledBy: z.string().nullable(),
    cancelledAt: at,
    needsSecondApproval: z.boolean(),
    withheld: z.boolean().openapi({
      description:
        'True when the content (title, summary, body, CVEs, references) is withheld from this caller: TLP:RED is readable only from a mailbox it was delivered to (and by admins and its author); a WARP operator following an NCSC advisory to its members does not read TLP:AMBER+STRICT or TLP:RED content.',
    }),
  })
  .openapi('Advisory');

export const AdvisoryPreviewInput = z
  .object({
    audience: AudienceSchema,
    tlp,
    test: fields.test.optional(),
    testAudience: fields.testAudience,
  })
  .strict()
  .superRefine(testAudienceRule)
  .openapi('AdvisoryPreviewRequest');

export const AdvisoryPreviewSchema = z
  .object({
    councils: z.number().int(),
    mailboxes: z.number().int(),
    mobiles: z.number().int().openapi({
      description:
        'Confirmed out-of-hours mobiles of its councils: a critical or urgent advisory texts each a heads-up',
    }),
    warps: z
      .array(z.string())
      .openapi({ description: 'WARPs the audience touches; "(none)" for councils in none' }),
    needsSecondApproval: z.boolean().openapi({ description: 'More than one WARP, or TLP:RED' }),
    withoutMailbox: z
      .array(z.object({ code: z.string(), name: z.string() }))
      .openapi({ description: 'Councils in the audience with no confirmed mailbox that would receive it' }),
    reached: z
      .array(z.object({ code: z.string(), name: z.string(), mailboxes: z.number().int() }))
      .openapi({ description: 'The councils it reaches (with a mailbox that would receive it), by name' }),
    partNations: z
      .array(z.object({ nation: z.string(), councils: z.number().int(), of: z.number().int() }))
      .openapi({
        description:
          'Nations the audience takes only part of: its councils there, of all the councils there the caller may address',
      }),
    endedNamed: z
      .array(z.object({ code: z.string(), name: z.string(), successors: z.array(z.string()) }))
      .openapi({ description: 'Councils named that have ended: their successors receive it instead' }),
    viaPredecessors: z
      .array(z.object({ code: z.string(), name: z.string(), mailboxes: z.number().int() }))
      .openapi({
        description:
          'Councils reached (wholly or partly) through the mailboxes of the councils they replace, still asked whether they serve them',
      }),
    testAudience: z
      .object({ name: z.string(), addresses: z.number().int() })
      .nullable()
      .openapi({ description: 'In test mode: the only addresses it is sent to' }),
    encryption: z
      .object({
        encrypted: z.number().int().openapi({ description: 'Copies encrypted to a confirmed mailbox key' }),
        headsUp: z
          .number()
          .int()
          .openapi({ description: 'Encryption required (TLP:RED): keyless mailboxes get a heads-up only' }),
        plain: z.number().int().openapi({ description: 'Copies signed but not encrypted' }),
        note: z.string().nullable().openapi({ description: 'Why nothing can be encrypted, when so' }),
      })
      .nullable()
      .openapi({ description: 'TLP:AMBER and TLP:RED only: how the copies are protected' }),
  })
  .openapi('AdvisoryPreview');

export const TestAudienceInput = z
  .object({
    addresses: z
      .array(z.string({ message: 'An address is text' }), {
        message: 'addresses is a list of e-mail addresses',
      })
      .min(1, 'Give at least one address')
      .max(100, 'A test audience has at most 100 addresses'),
  })
  .strict()
  .openapi('TestAudienceInput', { example: { addresses: ['soc-test@ncsc.example.gov.uk'] } });

export const TestAudienceSchema = z
  .object({
    name: z.string(),
    addresses: z.array(z.string()),
    createdBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi('TestAudience');
