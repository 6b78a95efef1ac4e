// The register import API (admin): import the register CSV (uploaded or from a URL), sync it from the
// configured source, and import authorities' domains from the public-sector domain list.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actorOf } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { DomainListSchema, importDomains, importDomainsFromUrl } from './import-domains.js';
import { importRegister, type RegisterImportReport as RegisterImportReportData } from './import-register.js';
import { importRegisterFromUrl, syncRegister } from './import-sync.js';
import { approveHeldImport, listHeldImports, refuseHeldImport } from './register-hold.js';

const UrlBody = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .openapi({
        description: 'An https URL to fetch the file from (http only for localhost).',
        example:
          'https://mysociety.github.io/uk_local_authority_names_and_codes/data/uk_la_past_current/latest/uk_local_authorities_current.csv',
      }),
  })
  .strict()
  .openapi('ImportFromUrl');

const Rejected = z
  .object({
    line: z.number().int().openapi({ description: 'CSV line number (the header is line 1)' }),
    code: z.string().optional(),
    reason: z.string(),
  })
  .openapi('RejectedRow');

const Change = (extra: Record<string, z.ZodType>) => z.object({ code: z.string(), ...extra });
const RegisterDiffSchema = z
  .object({
    added: z.array(
      Change({
        name: z.string(),
        nation: z.string(),
        type: z.string(),
        startDate: z.string().nullable(),
        shadow: z.boolean().openapi({ description: 'Its start date is to come: upcoming until then' }),
      }),
    ),
    ended: z.array(
      Change({ name: z.string(), endDate: z.string().nullable(), successors: z.array(z.string()) }),
    ),
    ending: z
      .array(Change({ name: z.string(), endDate: z.string(), successors: z.array(z.string()) }))
      .openapi({
        description: 'Current authorities given an end date to come: current until then',
      }),
    renamed: z.array(Change({ from: z.string(), to: z.string() })),
    retyped: z.array(Change({ name: z.string(), from: z.string(), to: z.string() })),
    movedRegion: z.array(Change({ name: z.string(), from: z.string(), to: z.string() })),
    otherChanges: z.array(Change({ name: z.string(), fields: z.array(z.string()) })),
    missing: z.array(Change({ name: z.string() })).openapi({
      description: 'Current authorities in the register that the file does not list (never deleted)',
    }),
    unchanged: z.number().int(),
  })
  .openapi('RegisterDiff');

const RegisterImportReport = z
  .object({
    id: z.string(),
    source: z.string(),
    changed: z.boolean().openapi({ description: 'False when the register already matched the file' }),
    counts: z.object({
      added: z.number().int(),
      updated: z.number().int(),
      ended: z.number().int().openapi({ description: 'Authorities that became former in this import' }),
      unchanged: z.number().int(),
      rejected: z.number().int(),
    }),
    rejected: z.array(Rejected),
    current: z.number().int().openapi({ description: 'Current authorities in the register afterwards' }),
    former: z.number().int().openapi({ description: 'Former authorities in the register afterwards' }),
    diff: RegisterDiffSchema,
    dryRun: z.boolean().openapi({ description: 'True when nothing was written (`dryRun=true`)' }),
    held: z
      .object({
        id: z.string().nullable().openapi({ description: 'The held import (null in a dry run)' }),
        reasons: z.array(z.string()),
      })
      .nullable()
      .openapi({
        description:
          'Set when the import is held for an admin’s approval instead of applied (or, in a dry run, would be): it would end or leave out more than REGISTER_MAX_CHANGE_SHARE of the current authorities, drop a nation’s count as much, loop its successor links, or name unknown successors. Nothing was changed.',
      }),
  })
  .openapi('RegisterImportReport');

const HeldImport = z
  .object({
    id: z.string(),
    state: z.enum(['held', 'applied', 'refused']),
    source: z.string(),
    reasons: z.array(z.string()),
    summary: z.string().openapi({ example: '2 added, 12 ended' }),
    createdBy: z.string(),
    createdAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })
  .openapi('HeldRegisterImport');

const DryRun = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'true: say what would change (and whether it would be held); write nothing' }),
});

const HeldId = z.object({ id: z.string().min(1).max(64) });

const DomainImportReport = z
  .object({
    id: z.string(),
    source: z.string(),
    version: z.string().nullable(),
    changed: z.boolean(),
    counts: z.object({
      entries: z.number().int().openapi({ description: 'Local-authority entries (wildcards excluded)' }),
      matched: z.number().int(),
      added: z.number().int(),
      alreadyPresent: z.number().int(),
      unmatched: z.number().int(),
      skipped: z.number().int().openapi({ description: 'Other organisation types and wildcards' }),
    }),
    matchRate: z.number().openapi({ description: 'matched / entries, 0–1' }),
    added: z
      .array(z.object({ domain: z.string(), code: z.string() }))
      .openapi({ description: 'The domains added (in a dry run: that would be added)' }),
    unmatched: z.array(z.object({ domain: z.string(), notes: z.string().nullable(), reason: z.string() })),
    dryRun: z.boolean().openapi({ description: 'True when nothing was written (`dryRun=true`)' }),
  })
  .openapi('DomainImportReport');

const DomainListBody = DomainListSchema.openapi('DomainList', {
  description: 'The ukps-domains `user_domains.json` format; only local-authority entries are read.',
});

/** 202 when the import was held for an admin (nothing changed), 200 otherwise. */
function answer(c: Context<AppEnv>, report: RegisterImportReportData) {
  return report.held && !report.dryRun ? c.json(report, 202) : c.json(report, 200);
}

function mediaType(c: Context<AppEnv>): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export function importRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/register/imports',
      operationId: 'importRegister',
      tags: ['Register'],
      summary: 'Import the register CSV (uploaded, or fetched from an https URL)',
      description:
        'Send the mySociety/ONS register CSV itself as `text/csv`, or `{"url": "https://…"}` as JSON. Upserts by `local-authority-code` and never deletes. Invalid rows are rejected with their line numbers and the rest applied; a file that is not the register CSV (missing columns, not CSV, empty, too large) is refused and changes nothing.',
      security: bearer,
      request: {
        query: DryRun,
        body: {
          // Not "required" so the JSON validator only runs for JSON; the handler refuses an empty body.
          required: false,
          content: {
            'application/json': { schema: UrlBody },
            'text/csv': {
              schema: z.string().openapi({ description: 'The register CSV', format: 'binary' }),
            },
          },
        },
      },
      responses: {
        200: json(RegisterImportReport, 'What the import changed (or, in a dry run, would change)'),
        202: json(RegisterImportReport, 'Held for an admin’s approval: nothing changed'),
        ...pick(400, 401, 403, 413, 415, 422, 502),
      },
    }),
    async (c) => {
      const deps = c.var.deps;
      const type = mediaType(c);
      const dryRun = c.req.valid('query').dryRun === 'true';
      if (type === 'application/json') {
        // Only JSON bodies reach the JSON validator, so this is the checked {url} body.
        const { url } = c.req.valid('json') as z.output<typeof UrlBody>;
        return answer(
          c,
          await importRegisterFromUrl(deps, actorOf(c), url, { signal: c.req.raw.signal, dryRun }),
        );
      }
      if (type === 'text/csv') {
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        return answer(
          c,
          await importRegister(deps, actorOf(c), { content: bytes, source: 'upload' }, { dryRun }),
        );
      }
      throw new AppError(
        'unsupported_media_type',
        'Send the register CSV as text/csv, or {"url": "https://…"} as application/json.',
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/register/sync',
      operationId: 'syncRegister',
      tags: ['Register'],
      summary: 'Sync the register from its configured source (REGISTER_SOURCE_URL)',
      security: bearer,
      request: { query: DryRun },
      responses: {
        200: json(RegisterImportReport, 'What the sync changed (or, in a dry run, would change)'),
        202: json(RegisterImportReport, 'Held for an admin’s approval: nothing changed'),
        ...pick(401, 403, 413, 422, 502),
      },
    }),
    async (c) =>
      answer(
        c,
        await syncRegister(c.var.deps, actorOf(c), {
          signal: c.req.raw.signal,
          dryRun: c.req.valid('query').dryRun === 'true',
        }),
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/register/held-imports',
      operationId: 'listHeldImports',
      tags: ['Register'],
      summary: 'Register imports held for an admin’s decision (and those decided), newest first',
      security: bearer,
      responses: { 200: json(z.object({ items: z.array(HeldImport) }), 'Held imports'), ...pick(401, 403) },
    }),
    async (c) => c.json({ items: await listHeldImports(c.var.deps) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/register/held-imports/{id}/approve',
      operationId: 'approveHeldImport',
      tags: ['Register'],
      summary: 'Apply a held register import (against the register as it is now)',
      security: bearer,
      request: { params: HeldId },
      responses: {
        200: json(RegisterImportReport, 'Applied'),
        ...pick(401, 403, 404, 409, 422),
      },
    }),
    async (c) => c.json(await approveHeldImport(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/register/held-imports/{id}/refuse',
      operationId: 'refuseHeldImport',
      tags: ['Register'],
      summary: 'Refuse a held register import: nothing of it is applied',
      security: bearer,
      request: { params: HeldId },
      responses: { 200: json(HeldImport, 'Refused'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => c.json(await refuseHeldImport(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/register/domain-imports',
      operationId: 'importDomains',
      tags: ['Register'],
      summary: "Import authorities' e-mail domains from the public-sector domain list",
      description:
        'Send the domain list (ukps-domains `user_domains.json`) itself, or `{"url": "https://…"}`. Local-authority entries are matched to the register by the name in their notes and added with source `import`; domains already present (including those admins added) are left alone. Unmatched entries are listed.',
      security: bearer,
      request: {
        query: DryRun,
        body: {
          required: true,
          content: { 'application/json': { schema: z.union([UrlBody, DomainListBody]) } },
        },
      },
      responses: {
        200: json(DomainImportReport, 'What the import matched and added'),
        ...pick(400, 401, 403, 409, 413, 415, 422, 502),
      },
    }),
    async (c) => {
      const deps = c.var.deps;
      const body = c.req.valid('json');
      const dryRun = c.req.valid('query').dryRun === 'true';
      if ('url' in body)
        return c.json(
          await importDomainsFromUrl(deps, actorOf(c), body.url, { signal: c.req.raw.signal, dryRun }),
          200,
        );
      return c.json(await importDomains(deps, actorOf(c), { list: body, source: 'upload' }, { dryRun }), 200);
    },
  );

  return router;
}
