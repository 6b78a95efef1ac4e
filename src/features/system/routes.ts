// Liveness and readiness.
import { createRoute, z } from '@hono/zod-openapi';
import { databaseReadiness } from '../../db/readiness.js';
import type { Deps } from '../../deps.js';
import { createRouter, json } from '../../openapi.js';

const Health = z
  .object({ status: z.enum(['ok', 'unavailable']), detail: z.string().optional() })
  .openapi('Health');

export function systemRoutes(deps: Deps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['Service'],
      summary: 'Liveness: the process answers',
      responses: { 200: json(Health, 'Alive') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['Service'],
      summary: 'Readiness: the database answers and migrations are applied',
      responses: { 200: json(Health, 'Ready'), 503: json(Health, 'Not ready') },
    }),
    async (c) => {
      const db = await databaseReadiness(deps.db);
      if (!db.ok) return c.json({ status: 'unavailable' as const, detail: db.detail }, 503);
      return c.json({ status: 'ok' as const, detail: db.detail }, 200);
    },
  );
  return router;
}
