// GET /metrics (admins: an admin API token for the scraper), Prometheus text format.
import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { bearer, createRouter, pick } from '../../openapi.js';
import type { HttpMetrics } from './http-metrics.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';

export function metricsRoutes(deps: Deps, http: HttpMetrics) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      tags: ['Service'],
      summary: 'Metrics in the Prometheus text format (deliveries, queue depth, advisories, mailboxes, HTTP)',
      description:
        'Database figures are read at scrape time and are the same from every instance; HTTP request counts, latency histograms and memory are those of the process that answers, from its start.',
      security: bearer,
      responses: {
        200: {
          description: 'Prometheus text exposition format 0.0.4',
          content: { 'text/plain': { schema: z.string() } },
        },
        ...pick(401, 403),
      },
    }),
    async (c) => {
      const text = await renderMetrics(deps, http);
      return c.text(text, 200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' });
    },
  );
  return router;
}
