// Drills over the API: schedule, list, start now, cancel, and the report (JSON and CSV). Admins and WARP
// operators only (policy.ts); a WARP operator sees and changes only its own WARP's drills (drill-view.ts).
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { cancelDrill } from './cancel-drill.js';
import { drillFor, toDrillView } from './drill-view.js';
import { listDrills } from './list-drills.js';
import { drillReport } from './report.js';
import { drillReportCsv, drillReportFileName } from './report-csv.js';
import { scheduleDrill } from './schedule-drill.js';
import { DrillInputSchema, DrillReportSchema, DrillSchema } from './schemas.js';
import { startDrill } from './start-drill.js';

const tags = ['Drills'];
const DrillId = z.object({
  id: z.string().min(1).max(64).openapi({ description: 'Drill id or reference', example: 'DRILL-2026-0001' }),
});

export function drillRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/drills',
      operationId: 'createDrill',
      tags,
      summary: 'Schedule a reachability drill: an exercise message to every confirmed path of the audience',
      description:
        'Admins drill any audience; a WARP operator only its own members (403 otherwise, nothing written). It starts at `scheduledFor` (now when absent) with the next scheduler run. Audited as `drill.schedule`.',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: DrillInputSchema } }, required: true } },
      responses: { 201: json(DrillSchema, 'Scheduled'), ...pick(401, 403, 409, 415, 422) },
    }),
    async (c) => c.json(await scheduleDrill(c.var.deps, actorOf(c), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/drills',
      operationId: 'listDrills',
      tags,
      summary: 'The drills the caller may see, newest first (a WARP operator: its own WARP’s)',
      security: bearer,
      responses: { 200: json(z.object({ items: z.array(DrillSchema) }), 'Drills'), ...pick(401, 403) },
    }),
    async (c) => c.json({ items: await listDrills(c.var.deps, requirePrincipal(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/drills/{id}',
      operationId: 'getDrill',
      tags,
      summary: 'One drill (by id or reference): its state, audience, window and schedule',
      security: bearer,
      request: { params: DrillId },
      responses: { 200: json(DrillSchema, 'The drill'), ...pick(401, 403, 404) },
    }),
    async (c) =>
      c.json(toDrillView(await drillFor(c.var.deps, requirePrincipal(c), c.req.valid('param').id)), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/drills/{id}/start',
      operationId: 'startDrill',
      tags,
      summary: 'Start a scheduled drill now (its WARP or an admin)',
      security: bearer,
      request: { params: DrillId },
      responses: {
        200: json(
          z.object({ drill: DrillSchema, paths: z.number().int(), successor: DrillSchema.nullable() }),
          'Started',
        ),
        ...pick(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const started = await startDrill(c.var.deps, actorOf(c), c.req.valid('param').id);
      return c.json(
        {
          drill: toDrillView(started.drill),
          paths: started.paths,
          successor: started.successor ? toDrillView(started.successor) : null,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/drills/{id}/cancel',
      operationId: 'cancelDrill',
      tags,
      summary: 'Cancel a drill before it starts (its WARP or an admin); 409 once it has started',
      security: bearer,
      request: { params: DrillId },
      responses: { 200: json(DrillSchema, 'Cancelled'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => c.json(await cancelDrill(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/drills/{id}/report',
      operationId: 'getDrillReport',
      tags,
      summary:
        'Who was reached and how fast they acknowledged: per council, per group, never answered, failed paths',
      security: bearer,
      request: { params: DrillId },
      responses: { 200: json(DrillReportSchema, 'The report'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await drillReport(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/drills/{id}/report.csv',
      operationId: 'getDrillReportCsv',
      tags,
      summary: 'The report as CSV: one row per path tried, with its council’s figures',
      security: bearer,
      request: { params: DrillId },
      responses: {
        200: { description: 'The report', content: { 'text/csv': { schema: z.string() } } },
        ...pick(401, 403, 404),
      },
    }),
    async (c) => {
      const report = await drillReport(c.var.deps, requirePrincipal(c), c.req.valid('param').id);
      return c.body(drillReportCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="${drillReportFileName(report.drill.reference)}"`,
        'cache-control': 'no-store',
      });
    },
  );

  return router;
}
