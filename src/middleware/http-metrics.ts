// Feeds every request's route, method, status and latency into the HTTP metrics (features/system/http-metrics.ts).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../deps.js';
import { type HttpMetrics, UNMATCHED_ROUTE } from '../features/system/http-metrics.js';
import { matchedRoute } from './authorise.js';

/** Records every request (errors included: the app's error handler has answered by the time next() returns). */
export function httpMetrics(metrics: HttpMetrics) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = matchedRoute(c)?.path ?? UNMATCHED_ROUTE;
      const method = c.req.method === 'HEAD' ? 'HEAD' : c.req.method.toUpperCase();
      metrics.observe(
        route,
        /^[A-Z]{1,10}$/.test(method) ? method : 'OTHER',
        c.res.status,
        (performance.now() - started) / 1000,
      );
    }
  });
}
