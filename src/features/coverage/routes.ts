// The coverage API. The report, its CSV and its history are public and carry counts only; the chase list
// names authorities, so it needs a signed-in caller and is scoped in the query (WARP operators: their
// members; councils: their own row). Taking a snapshot on demand is an admin's.

import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { authorityCodeSchema, normaliseAuthorityCode } from '../../domain/authority-code.js';
import { AppError } from '../../errors.js';
import { bearer, createRouter, json, multiValueQuery, PageQuery, pick } from '../../openapi.js';
import { requireAuthority } from '../authority-register/get-authority.js';
import { withConfirmedAtRisk } from './at-risk.js';
import { chaseBuckets, chaseConcerns, chaseList, fullChaseList, missingKinds } from './chase.js';
import { sendChaseReminder } from './chase-reminder.js';
import { authorityContactPaths } from './contact-paths-query.js';
import { chaseCsv, coverageCsv } from './csv.js';
import {
  assertPublicQuery,
  discloseAll,
  discloseHistory,
  discloseSafely,
  seesAllCoverage,
} from './disclosure.js';
import { buckets } from './mailbox-state.js';
import { type CoverageFilters, coverageReport, type Dimension, dimensions } from './report.js';
import { addDays, coverageHistory, snapshotCoverage, ukDayKey } from './snapshot.js';

const MAX_HISTORY_DAYS = 3660;
export const DEFAULT_HISTORY_DAYS = 90;

const Filters = z.object({
  nation: multiValueQuery('Only these nations (England, Wales, Scotland, Northern Ireland).', 'Wales'),
  region: multiValueQuery('Only these regions, as in the register (e.g. "London", "North West").', 'London'),
  warp: multiValueQuery('Only the members of these WARPs (ids).', 'wales'),
  type: multiValueQuery('Only these register type codes (e.g. UA, NMD, LBO); any case.', 'UA,WPA'),
});

const ReportQuery = Filters.extend({
  by: z
    .enum(dimensions)
    .default('nation')
    .openapi({ description: 'How to group: nation, region, WARP or council type', example: 'nation' }),
});

const count = (description: string) => z.number().int().nullable().openapi({ description });
const Counts = {
  authorities: z.number().int().openapi({ description: 'Current authorities in the group' }),
  confirmed: count('With a confirmed primary mailbox that is neither stale nor unreachable'),
  stale: count('Best primary is confirmed but its re-confirmation is overdue'),
  unreachable: count('Best primary bounces, or its domain takes no mail'),
  pending: count('A primary is registered but not confirmed yet (or waits for approval)'),
  none: count('No live primary mailbox at all'),
  resilient: count(
    'Beside the buckets: with two or more independent confirmed contact paths (mailboxes whose mail servers share no domain, MX host, address or provider, or a confirmed out-of-hours mobile)',
  ),
  responsive: count(
    'Beside the buckets: acknowledged their last finished drill, on any path, within 24 hours of its start',
  ),
  percentConfirmed: z
    .number()
    .nullable()
    .openapi({ description: 'confirmed / authorities, a percentage with one decimal' }),
  percentStale: z.number().nullable(),
  percentUnreachable: z.number().nullable(),
  percentPending: z.number().nullable(),
  percentNone: z.number().nullable(),
  percentResilient: z.number().nullable().openapi({ description: 'resilient / authorities' }),
  percentResponsive: z.number().nullable().openapi({ description: 'responsive / authorities' }),
  confirmedAtRisk: z.number().int().optional().openapi({
    description:
      'Staff only (absent from public answers): of the confirmed, how many are at risk — every confirmed primary has a weak mail set-up (a critical MX or MTA-STS check, neither DMARC nor SPF effective) or repeated soft bounces',
  }),
  suppressed: z.boolean().openapi({
    description:
      'True when the bucket figures (and resilient, responsive) are withheld (null) because the group is too small to publish without singling out a council',
  }),
};

const Group = z
  .object({
    key: z.string().nullable().openapi({
      description:
        'The nation, region, WARP id or type code; null for authorities in no WARP; "all" for the total',
      example: 'Wales',
    }),
    label: z.string().openapi({ example: 'Wales' }),
    ...Counts,
  })
  .openapi('CoverageGroup', {
    description:
      'Each current authority counts in exactly one bucket, by its best primary mailbox: confirmed > stale > unreachable > pending > none; the buckets add up to `authorities`. In public answers a group of fewer than PUBLIC_COVERAGE_MIN_GROUP councils (default 5) has its buckets withheld (null, `suppressed: true`), and so have the next smallest groups until the withheld councils reach that number.',
  });

const Report = z
  .object({
    by: z.enum(dimensions),
    filters: z.object({
      nation: z.array(z.string()).optional(),
      region: z.array(z.string()).optional(),
      warp: z.array(z.string()).optional(),
      type: z.array(z.string()).optional(),
    }),
    total: Group,
    groups: z.array(Group),
    upcoming: z
      .object({
        authorities: z.number().int(),
        confirmed: z.number().int().nullable(),
        offered: z.number().int().nullable(),
      })
      .optional()
      .openapi({
        description:
          'Upcoming authorities (created by a reorganisation, counted in the buckets from their vesting day): how many, how many have a confirmed primary of their own, how many are reached meanwhile through a predecessor’s mailbox offered to them. Public answers withhold the last two for fewer than PUBLIC_COVERAGE_MIN_GROUP.',
      }),
  })
  .openapi('CoverageReport');

const ChaseItem = z
  .object({
    code: z.string().openapi({ example: 'CRF' }),
    name: z.string().openapi({ example: 'Cardiff Council' }),
    nation: z.string(),
    region: z.string(),
    type: z.string(),
    typeName: z.string(),
    warp: z.object({ id: z.string(), name: z.string() }).nullable(),
    bucket: z.enum(buckets).openapi({
      description: 'Its coverage bucket: `confirmed` for a council listed only for a concern',
    }),
    missing: z
      .enum(missingKinds)
      .nullable()
      .openapi({ description: 'What it lacks; null for a council listed only for a concern' }),
    since: z
      .string()
      .nullable()
      .openapi({ description: 'When the gap began; null when it never had a mailbox' }),
    reason: z.string().openapi({ example: 'Pending confirmation since 3 November 2026' }),
    concerns: z.array(z.object({ kind: z.enum(chaseConcerns), reason: z.string() })).openapi({
      description:
        'Lower-priority reasons to chase it: did not answer its last finished drill within 24 hours (`unresponsive`), or its contact paths are a single path (`single-path`)',
      example: [
        {
          kind: 'single-path',
          reason:
            'Single path: both mailboxes are delivered by Microsoft 365 (kent-gov-uk.mail.protection.outlook.com): add an out-of-hours mobile or a mailbox on another provider',
        },
      ],
    }),
    contacts: z
      .array(
        z.object({
          address: z.string(),
          kind: z.string(),
          state: z.string(),
          team: z.string(),
          phone: z.string().nullable(),
        }),
      )
      .openapi({ description: 'The addresses it has registered (in use), with who answers and their phone' }),
    lastChasedAt: z
      .string()
      .nullable()
      .openapi({ description: 'When a reminder was last sent from the chase list' }),
    offers: z
      .object({ offered: z.number().int(), accepted: z.number().int(), declined: z.number().int() })
      .openapi({
        description:
          'A council created by a reorganisation: the mailboxes of the councils it replaces offered to it, by answer (offered ones receive its advisories meanwhile)',
      }),
  })
  .openapi('ChaseItem');

const PathMailboxSchema = z.object({
  id: z.string(),
  address: z.string(),
  kind: z.string(),
  domain: z.string(),
});

const ContactPathsSchema = z
  .object({
    code: z.string().openapi({ example: 'KEN' }),
    paths: z.array(
      z.object({
        channel: z.enum(['email', 'sms']),
        mailboxes: z.array(PathMailboxSchema),
        mobile: z
          .object({ id: z.string(), label: z.string(), shown: z.string() })
          .nullable()
          .openapi({ description: 'A confirmed mobile: its label and the last digits of its number' }),
        providers: z.array(z.object({ name: z.string(), hosts: z.array(z.string()) })),
        notYetChecked: z.boolean().openapi({
          description: 'A mailbox in it is on a domain whose mail servers have not been checked yet',
        }),
        sharing: z.array(z.string()).openapi({ description: 'Why its mailboxes are one path, in words' }),
        description: z.string(),
      }),
    ),
    independent: z.number().int().openapi({ description: 'Paths known to be independent of each other' }),
    resilient: z.boolean().openapi({ description: 'Two or more independent confirmed paths' }),
    findings: z.array(
      z.object({
        code: z.enum(['no-path', 'single-path', 'no-independent-path', 'not-yet-checked']),
        severity: z.enum(['warning', 'info']),
        message: z.string().openapi({
          example:
            'single path: both mailboxes are delivered by Microsoft 365 (kent-gov-uk.mail.protection.outlook.com)',
        }),
        action: z.string(),
      }),
    ),
  })
  .openapi('ContactPaths', {
    description:
      'A council’s independent contact paths: its confirmed mailboxes grouped by what their mail depends on (the same domain, MX host, MX address or mail provider make one path), and each confirmed mobile as a path of its own.',
  });

const ChaseQuery = Filters.extend({
  bucket: multiValueQuery('Only these buckets: stale, unreachable, pending, none.', 'none,pending').pipe(
    z.array(z.enum(chaseBuckets)).optional(),
  ),
  concern: multiValueQuery(
    'Only councils with these concerns: unresponsive (did not answer the last finished drill within 24 hours), single-path (its contact paths are one path). Without it (and without `bucket`), the list is the councils with no confirmed primary, then those that did not answer their last drill.',
    'single-path',
  ).pipe(z.array(z.enum(chaseConcerns)).optional()),
});

const HistoryQuery = z.object({
  by: z.enum(dimensions).default('nation'),
  from: z.iso
    .date()
    .optional()
    .openapi({
      description: `First day (YYYY-MM-DD); default ${DEFAULT_HISTORY_DAYS - 1} days before \`to\``,
    }),
  to: z.iso.date().optional().openapi({ description: 'Last day (YYYY-MM-DD); default today (UK)' }),
});

const History = z
  .object({
    by: z.enum(dimensions),
    from: z.string(),
    to: z.string(),
    days: z.array(z.object({ day: z.string(), total: Group, groups: z.array(Group) })),
  })
  .openapi('CoverageHistory');

const Snapshot = z
  .object({ day: z.string(), rows: z.number().int(), takenAt: z.string() })
  .openapi('CoverageSnapshot');

const csv = (description: string) => ({
  description,
  content: { 'text/csv': { schema: z.string() } },
});

const csvHeaders = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${name}"`,
});

const publicNote =
  'Without a staff sign-in (admin or WARP operator) the figures are by nation or region only, unfiltered, and groups of fewer than PUBLIC_COVERAGE_MIN_GROUP councils (default 5) are withheld; asking for more is a 403.';

/** The report as this caller may see it (see disclosure.ts). */
async function disclosedReport(c: Context<AppEnv>, by: Dimension, filters: CoverageFilters) {
  const deps = c.var.deps;
  if (seesAllCoverage(c.var.principal))
    return discloseAll(await withConfirmedAtRisk(deps, await coverageReport(deps, { by, filters })));
  assertPublicQuery(by, filters);
  return discloseSafely(await coverageReport(deps, { by, filters }), deps.config.PUBLIC_COVERAGE_MIN_GROUP);
}

export function coverageRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/coverage',
      operationId: 'getCoverage',
      security: [],
      tags: ['Coverage'],
      summary: 'Coverage by nation, region, WARP or council type (public: counts only)',
      description: `Current authorities only. Each counts in exactly one bucket (${buckets.join(', ')}), by its best primary mailbox; the buckets add up to \`authorities\`. Percentages have one decimal. ${publicNote}`,
      request: { query: ReportQuery },
      responses: { 200: json(Report, 'Coverage, per group and in total'), ...pick(403, 422) },
    }),
    async (c) => {
      const { by, ...filters } = c.req.valid('query');
      return c.json(await disclosedReport(c, by, filters), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/coverage.csv',
      operationId: 'getCoverageCsv',
      security: [],
      tags: ['Coverage'],
      summary: 'The coverage report as CSV (public: counts only)',
      description: `One line per group, then the total (key \`all\`); withheld figures are empty cells. ${publicNote}`,
      request: { query: ReportQuery },
      responses: { 200: csv('Coverage as CSV'), ...pick(403, 422) },
    }),
    async (c) => {
      const { by, ...filters } = c.req.valid('query');
      const report = await disclosedReport(c, by, filters);
      return c.body(coverageCsv(report), 200, csvHeaders(`coverage-by-${by}.csv`));
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/coverage/history',
      operationId: 'getCoverageHistory',
      security: [],
      tags: ['Coverage'],
      summary: 'Coverage over time from the daily snapshots, for plotting (public: counts only)',
      description: publicNote,
      request: { query: HistoryQuery },
      responses: { 200: json(History, 'One entry per day with a snapshot, oldest first'), ...pick(403, 422) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const to = q.to ?? ukDayKey(c.var.deps.clock.now());
      const from = q.from ?? addDays(to, -(DEFAULT_HISTORY_DAYS - 1));
      if (from > to)
        throw new AppError('validation_failed', '`from` must not be after `to`.', {
          errors: [{ path: 'from', message: 'Must be on or before `to`' }],
        });
      if (from < addDays(to, -MAX_HISTORY_DAYS))
        throw new AppError('validation_failed', `Ask for at most ${MAX_HISTORY_DAYS} days at a time.`, {
          errors: [{ path: 'from', message: `At most ${MAX_HISTORY_DAYS} days before \`to\`` }],
        });
      const deps = c.var.deps;
      const history = await coverageHistory(deps, { by: q.by, from, to });
      if (seesAllCoverage(c.var.principal))
        return c.json(
          {
            ...history,
            days: history.days.map((d) => ({ ...d, ...discloseAll({ ...d, by: q.by, filters: {} }) })),
          },
          200,
        );
      assertPublicQuery(q.by, {});
      return c.json(
        { ...history, days: discloseHistory(history.days, q.by, deps.config.PUBLIC_COVERAGE_MIN_GROUP) },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/coverage/snapshots',
      operationId: 'takeCoverageSnapshot',
      tags: ['Coverage'],
      summary: 'Take today’s coverage snapshot now (admin)',
      description:
        'The service takes one on a schedule; taking it again the same day replaces that day’s snapshot.',
      security: bearer,
      responses: { 200: json(Snapshot, 'The snapshot taken'), ...pick(401, 403) },
    }),
    async (c) => c.json(await snapshotCoverage(c.var.deps), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/authorities/{code}/contact-paths',
      operationId: 'getAuthorityContactPaths',
      tags: ['Coverage'],
      summary: 'One council’s contact paths and whether they are independent',
      description:
        'Signed-in callers within their scope (admins: any council; WARP operators: their members; a council: its own); anyone else gets 404, as for a code that does not exist.',
      security: bearer,
      request: { params: z.object({ code: authorityCodeSchema() }) },
      responses: {
        200: json(ContactPathsSchema, 'The council’s contact paths'),
        ...pick(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const deps = c.var.deps;
      const code = normaliseAuthorityCode(c.req.valid('param').code);
      const paths = await authorityContactPaths(deps, requirePrincipal(c), code);
      await requireAuthority(deps, code);
      return c.json({ code, ...paths }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/coverage/chase',
      operationId: 'getChaseList',
      tags: ['Coverage'],
      summary:
        'The chase list: authorities with no confirmed primary mailbox, what is missing and since when; then those that did not answer their last drill (and, asked for, those with a single contact path)',
      description:
        'Signed-in callers only, scoped in the query: admins see every authority, WARP operators their members, a council its own row. By name.',
      security: bearer,
      request: { query: ChaseQuery.extend(PageQuery.shape) },
      responses: {
        200: json(
          z
            .object({
              items: z.array(ChaseItem),
              total: z.number().int(),
              limit: z.number().int(),
              offset: z.number().int(),
            })
            .openapi('ChaseList'),
          'A page of the chase list',
        ),
        ...pick(401, 403, 422),
      },
    }),
    async (c) => c.json(await chaseList(c.var.deps, requirePrincipal(c), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/coverage/chase.csv',
      operationId: 'getChaseListCsv',
      tags: ['Coverage'],
      summary: 'The whole chase list as CSV (scoped as the JSON)',
      security: bearer,
      request: { query: ChaseQuery },
      responses: { 200: csv('The chase list as CSV'), ...pick(401, 403, 422) },
    }),
    async (c) => {
      const items = await fullChaseList(c.var.deps, requirePrincipal(c), c.req.valid('query'));
      return c.body(chaseCsv(items), 200, csvHeaders('chase-list.csv'));
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/coverage/chase/{code}/remind',
      operationId: 'sendChaseReminder',
      tags: ['Coverage'],
      summary: 'Send a reminder to a council on the chase list (its registered addresses)',
      description:
        'Staff, within their scope. Goes to the addresses the council registered that are not waiting for approval and do not bounce (409 when there is none); at most one a day per council (429). Audited as `authority.chase`; the chase list shows it as "last chased".',
      security: bearer,
      request: { params: z.object({ code: z.string().min(1).max(20) }) },
      responses: {
        202: json(
          z
            .object({ code: z.string(), to: z.array(z.string()), chasedAt: z.string() })
            .openapi('ChaseReminder'),
          'Queued',
        ),
        ...pick(401, 403, 404, 409, 429),
      },
    }),
    async (c) => c.json(await sendChaseReminder(c.var.deps, actorOf(c), c.req.valid('param').code), 202),
  );

  return router;
}
