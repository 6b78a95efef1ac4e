// Following an advisory after release: the delivery report (JSON and CSV), live progress, the CSAF 2.0
// export, escalation now, the WARP operators escalation goes to, and the public TLP:CLEAR feeds.
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { deliveryStatuses } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { CSAF_CATEGORY_WITH_CVES, exportCsaf } from './csaf-export.js';
import { listDeliveries } from './delivery-list.js';
import { DeliveryQuery } from './desk-routes.js';
import { escalateAdvisoryNow } from './escalate-unacknowledged.js';
import { ATOM_PATH, renderAtomFeed } from './feed-atom.js';
import { listPublicAdvisories } from './feed-entries.js';
import { JSON_FEED_PATH, jsonFeed } from './feed-json.js';
import { advisoryReport } from './report.js';
import { reportCsv, reportFileName } from './report-csv.js';
import { advisoryProgress } from './report-progress.js';
import { listWarpOperators, MAX_WARP_OPERATORS, replaceWarpOperators } from './warp-operators.js';

const AdvisoryId = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: 'Advisory id', example: '01jd8x3v5m2k9q7r4t6w8y0z1a' }),
});
const WarpId = z.object({
  id: z.string().min(1).max(100).openapi({ description: 'WARP id (a slug)', example: 'wales' }),
});

const StatusCounts = z
  .object(
    Object.fromEntries(deliveryStatuses.map((s) => [s, z.number().int()])) as Record<
      (typeof deliveryStatuses)[number],
      z.ZodNumber
    >,
  )
  .openapi('DeliveryStatusCounts');

const isoOrNull = z.string().nullable();

const ReportItemSchema = z
  .object({
    authority: z
      .string()
      .nullable()
      .openapi({ description: 'Register code; null for a test-audience address' }),
    authorityName: z.string().nullable(),
    mailbox: z.string().openapi({ description: 'The address delivered to' }),
    mailboxKind: z.string().openapi({ example: 'primary' }),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    resends: z.number().int().openapi({
      description:
        'Times a worker stopped while sending it and another took over: it may have arrived twice, with the same Message-ID',
    }),
    reply: z.string().nullable().openapi({ description: 'The last SMTP reply (or failure)' }),
    deliveredAt: isoOrNull,
    acknowledgedAt: isoOrNull,
    acknowledgedBy: z.string().nullable().openapi({ description: 'The name given, or "mailbox holder"' }),
  })
  .openapi('DeliveryReportItem');

const ReportSchema = z
  .object({
    advisory: z.object({ id: z.string(), reference: z.string(), state: z.string(), tlp: z.enum(tlpLabels) }),
    summary: z.object({
      deliveries: z.number().int(),
      byStatus: StatusCounts,
      councils: z.number().int(),
      councilsDelivered: z.number().int(),
      councilsAcknowledged: z.number().int(),
      resent: z.number().int().openapi({ description: 'Deliveries that may have arrived twice' }),
    }),
    items: z.array(ReportItemSchema),
  })
  .openapi('DeliveryReport');

const ProgressSchema = z
  .object({
    state: z.string(),
    total: z.number().int(),
    byStatus: StatusCounts,
    done: z.number().int().openapi({ description: 'Deliveries whose outcome is final' }),
    percent: z.number().int().min(0).max(100),
    paused: z
      .object({ since: z.string().nullable(), reason: z.string(), nextProbeAt: z.string().nullable() })
      .nullable()
      .openapi({
        description:
          'Set while sending is paused by a failure of our own (our mail server refused us): deliveries are kept and retried when it works again',
      }),
    failures: z
      .array(
        z.object({
          kind: z.string().openapi({ example: 'SES AccessDeniedException' }),
          status: z.string(),
          deliveries: z.number().int(),
          reply: z.string().nullable().openapi({ description: 'One such reply, as the mail server gave it' }),
        }),
      )
      .openapi({
        description:
          'The kinds of failure the deliveries not yet delivered last had, most first (also counted on /metrics as cc_mail_send_failures_total)',
      }),
    texts: z
      .array(
        z.object({
          purpose: z.enum(['heads-up', 'escalation']),
          status: z.string(),
          texts: z.number().int(),
        }),
      )
      .openapi({
        description:
          'Texts to the councils’ out-of-hours mobiles (a critical or urgent advisory’s heads-ups, and escalations), by status; within the caller’s scope',
      }),
  })
  .openapi('DeliveryProgress');

const EscalationSchema = z
  .object({
    advisoryId: z.string(),
    reference: z.string(),
    escalated: z.boolean(),
    escalatedAt: z.string(),
    councils: z
      .array(z.string())
      .openapi({ description: 'Councils delivered to that acknowledged nothing, escalated by this request' }),
    warps: z.array(
      z.object({
        warp: z.string(),
        warpName: z.string(),
        councils: z.array(z.string()),
        sentTo: z.array(z.string()),
      }),
    ),
    warpsWithoutOperators: z.array(z.string()),
    councilsWithoutWarp: z.array(z.string()),
  })
  .openapi('Escalation');

const WarpOperatorsSchema = z
  .object({
    warp: z.string(),
    operators: z.array(z.object({ address: z.string(), name: z.string().nullable(), createdAt: z.string() })),
  })
  .openapi('WarpOperators');

const WarpOperatorsInput = z
  .object({
    operators: z
      .array(
        z
          .object({
            address: z.string().max(254).openapi({ example: 'operators@wales-warp.gov.uk' }),
            name: z.string().max(200).nullable().optional().openapi({ example: 'Wales WARP team' }),
          })
          .strict(),
      )
      .max(MAX_WARP_OPERATORS),
  })
  .strict()
  .openapi('WarpOperatorsInput');

const CsafSchema = z
  .object({
    document: z
      .object({ category: z.enum(['csaf_informational_advisory', CSAF_CATEGORY_WITH_CVES]) })
      .passthrough(),
  })
  .passthrough()
  .openapi('CsafDocument', {
    description: `An OASIS CSAF 2.0 document: profile csaf_informational_advisory without CVE ids, the generic profile (category ${CSAF_CATEGORY_WITH_CVES}) with them`,
  });

const JsonFeedSchema = z
  .object({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    home_page_url: z.string(),
    feed_url: z.string(),
    description: z.string(),
    language: z.string(),
    authors: z.array(z.object({ name: z.string() })),
    items: z.array(
      z.object({
        id: z.string(),
        url: z.string(),
        title: z.string(),
        summary: z.string(),
        content_html: z.string(),
        date_published: z.string(),
        date_modified: z.string(),
        tags: z.array(z.string()),
      }),
    ),
  })
  .openapi('JsonFeed');

export function advisoryTrackingRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/report',
      operationId: 'getAdvisoryReport',
      tags: ['Advisories'],
      summary: 'The delivery report: each mailbox’s status, SMTP reply and acknowledgement',
      description:
        'Ordered by council name. Admins see every row; a WARP operator its own WARP’s advisories, and only its member councils’ rows of an NCSC advisory; a council only its own rows.',
      security: bearer,
      request: { params: AdvisoryId },
      responses: { 200: json(ReportSchema, 'The report'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => c.json(await advisoryReport(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/report.csv',
      operationId: 'getAdvisoryReportCsv',
      tags: ['Advisories'],
      summary: 'The delivery report as CSV (the same rows and columns as the JSON items), or one view of it',
      description:
        'With `view` or `q`, only the deliveries of that view and search (as `GET /api/v1/advisories/{id}/deliveries` lists them, failures first); without, the whole report in its order.',
      security: bearer,
      request: { params: AdvisoryId, query: DeliveryQuery },
      responses: {
        200: { description: 'The report', content: { 'text/csv': { schema: z.string() } } },
        ...pick(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { view, q } = c.req.valid('query');
      const principal = requirePrincipal(c);
      const report =
        view === 'all' && !q.trim()
          ? await advisoryReport(c.var.deps, principal, id)
          : await listDeliveries(c.var.deps, principal, id, { view, search: q, limit: 'all' });
      return c.body(reportCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="${reportFileName(report.advisory.reference)}"`,
        'cache-control': 'no-store',
      });
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/progress',
      operationId: 'getAdvisoryProgress',
      tags: ['Advisories'],
      summary: 'Live progress of the fan-out (cheap to poll)',
      security: bearer,
      request: { params: AdvisoryId },
      responses: { 200: json(ProgressSchema, 'Progress'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(await advisoryProgress(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/csaf',
      operationId: 'getAdvisoryCsaf',
      tags: ['Advisories'],
      summary: 'The advisory as a CSAF 2.0 document, as of this version',
      description:
        'One document per lineage: `document.tracking.id` is the first version’s reference, and each update or cancellation that went out is a revision (this version’s reference is an alias). CVE ids are in `vulnerabilities` (then the generic profile; without CVEs, the informational advisory profile). CSAF 2.0 allows only TLP 1.0 labels: CLEAR is WHITE, AMBER+STRICT is AMBER; the TLP 2.0 label is in `document.distribution.text`. A TLP:CLEAR lineage is also published anonymously at its canonical URL under /.well-known/csaf/clear/. 409 until the advisory has gone out.',
      security: bearer,
      request: { params: AdvisoryId },
      responses: { 200: json(CsafSchema, 'The CSAF document'), ...pick(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const doc = await exportCsaf(c.var.deps, requirePrincipal(c), c.req.valid('param').id);
      return c.json(doc, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/{id}/escalate',
      operationId: 'escalateAdvisory',
      tags: ['Advisories'],
      summary: 'Escalate unacknowledged councils to their WARPs now (admin)',
      description:
        'Each WARP’s operators get one e-mail listing their member councils that had the advisory delivered, acknowledged nothing and were not escalated yet, however recently delivered. Each council is escalated once (the scheduled sweep does it ACK_ESCALATION_HOURS after each council’s copy was delivered); 409 when no council is waiting, or for a test or unsent advisory. Audited as `advisory.escalate`.',
      security: bearer,
      request: { params: AdvisoryId },
      responses: { 200: json(EscalationSchema, 'What was escalated'), ...pick(401, 403, 404, 409, 422) },
    }),
    async (c) => c.json(await escalateAdvisoryNow(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/warps/{id}/operators',
      operationId: 'listWarpOperators',
      tags: ['WARPs'],
      summary: 'The WARP’s operator addresses, which escalations go to (admin)',
      security: bearer,
      request: { params: WarpId },
      responses: { 200: json(WarpOperatorsSchema, 'The operators'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => c.json(await listWarpOperators(c.var.deps, c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/warps/{id}/operators',
      operationId: 'setWarpOperators',
      tags: ['WARPs'],
      summary: 'Replace the WARP’s operator addresses (admin)',
      description:
        'The list given replaces the old one; an empty list removes them all. Audited as `warp.operators.replace`.',
      security: bearer,
      request: {
        params: WarpId,
        body: { content: { 'application/json': { schema: WarpOperatorsInput } }, required: true },
      },
      responses: { 200: json(WarpOperatorsSchema, 'The operators now'), ...pick(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(
        await replaceWarpOperators(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: ATOM_PATH,
      operationId: 'getAdvisoryFeedAtom',
      security: [],
      tags: ['Feeds'],
      summary: 'TLP:CLEAR advisories as an Atom 1.0 feed (newest 50)',
      responses: {
        200: { description: 'The feed', content: { 'application/atom+xml': { schema: z.string() } } },
      },
    }),
    async (c) => {
      const entries = await listPublicAdvisories(c.var.deps);
      return c.body(renderAtomFeed(c.var.deps.config, entries, c.var.deps.clock.now()), 200, {
        'content-type': 'application/atom+xml; charset=utf-8',
        'cache-control': 'public, max-age=300',
      });
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: JSON_FEED_PATH,
      operationId: 'getAdvisoryFeedJson',
      security: [],
      tags: ['Feeds'],
      summary: 'TLP:CLEAR advisories as a JSON Feed 1.1 (newest 50)',
      responses: {
        200: { description: 'The feed', content: { 'application/feed+json': { schema: JsonFeedSchema } } },
      },
    }),
    async (c) => {
      const entries = await listPublicAdvisories(c.var.deps);
      return c.json(jsonFeed(c.var.deps.config, entries), 200, {
        'content-type': 'application/feed+json; charset=utf-8',
        'cache-control': 'public, max-age=300',
      });
    },
  );

  return router;
}
