// Release control over the API: release, approve (a second admin), cancel.
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../actor.js';
import { advisoryStates } from '../../domain/advisory-states.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { approveAdvisory, cancelAdvisory, releaseAdvisory } from './release.js';

const Id = z.object({ id: z.string().min(1).max(64) });
const Released = z
  .object({
    id: z.string(),
    state: z.enum(advisoryStates),
    needsSecondApproval: z.boolean(),
    deliveries: z
      .number()
      .int()
      .openapi({ description: 'Delivery rows created (0 while awaiting approval)' }),
  })
  .openapi('ReleaseOutcome');

export function advisoryReleaseRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/{id}/release',
      operationId: 'releaseAdvisory',
      tags: ['Advisories'],
      summary:
        'Release a draft: sending starts, or it waits for a second admin (more than one WARP, or TLP:RED)',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(Released, 'Released'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => c.json(await releaseAdvisory(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/{id}/approve',
      operationId: 'approveAdvisory',
      tags: ['Advisories'],
      summary: 'Approve a release as the second admin (never its author or whoever released it)',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(Released, 'Approved: sending'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => c.json(await approveAdvisory(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/{id}/cancel',
      operationId: 'cancelAdvisory',
      tags: ['Advisories'],
      summary: 'Cancel: deliveries not yet sent are stopped',
      security: bearer,
      request: {
        params: Id,
        body: {
          content: {
            'application/json': {
              schema: z.object({ reason: z.string().trim().max(500).optional() }).strict(),
            },
          },
          required: false,
        },
      },
      responses: {
        200: json(
          z.object({ id: z.string(), state: z.literal('cancelled'), stoppedDeliveries: z.number().int() }),
          'Cancelled',
        ),
        ...pick(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(await cancelAdvisory(c.var.deps, actorOf(c), c.req.valid('param').id, body?.reason), 200);
    },
  );

  return router;
}
