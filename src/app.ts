// createApp(deps): the whole service as one Hono app, for Node, workerd and tests alike.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { apiDocumentConfig, registerSecuritySchemes } from './api-document.js';
import { isDatabaseBusy } from './db/busy.js';
import type { AppEnv, Deps } from './deps.js';
import { AppError, type ErrorCode, toProblem } from './errors.js';
import { advisoryAuthoringRoutes } from './features/advisories/authoring-routes.js';
import { advisoryDeskRoutes } from './features/advisories/desk-routes.js';
import { advisoryReleaseRoutes } from './features/advisories/release-routes.js';
import { advisoryTrackingRoutes } from './features/advisories/tracking-routes.js';
import { authRoutes } from './features/auth/routes.js';
import { registerRoutes } from './features/authority-register/routes.js';
import { coverageRoutes } from './features/coverage/routes.js';
import { csafProviderRoutes } from './features/csaf/routes.js';
import { drillRoutes } from './features/drills/routes.js';
import { genuineRoutes } from './features/genuine/routes.js';
import { mailboxKeyRoutes } from './features/mailbox-keys/routes.js';
import { mailboxRoutes } from './features/mailboxes/routes.js';
import { mobileRoutes } from './features/mobiles/routes.js';
import { openpgpRoutes } from './features/openpgp/routes.js';
import { outboundRoutes } from './features/outbound/routes.js';
import { passkeyRoutes } from './features/passkeys/routes.js';
import { reachabilityRoutes } from './features/reachability/routes.js';
import { staffRoutes } from './features/staff/routes.js';
import { createHttpMetrics } from './features/system/http-metrics.js';
import { metricsRoutes } from './features/system/metrics-routes.js';
import { systemRoutes } from './features/system/routes.js';
import { authenticate, authorise } from './middleware/authorise.js';
import { csrfProtection } from './middleware/csrf.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { requestContext } from './middleware/request-context.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createRouter } from './openapi.js';
import { renderApiReference } from './web/api-reference.js';
import { renderErrorPage } from './web/error-page.js';
import { wantsHtml } from './web/negotiate.js';
import { rememberNextPage } from './web/next-page.js';
import { advisoryEmailPages, EMAIL_FRAME_PATH } from './web/pages/advisory-email-routes.js';
import { advisoryReleasePages } from './web/pages/advisory-release.js';
import { advisoryPageRoutes } from './web/pages/advisory-routes.js';
import { advisoryTrackingPages } from './web/pages/advisory-tracking-routes.js';
import { mobilePageRoutes } from './web/pages/mobile-routes.js';
import { pageRoutes } from './web/pages/routes.js';
import { smsAckPages } from './web/pages/sms-ack-routes.js';
import { staticRoutes } from './web/static.js';

/** Routes that accept whole files (the register CSV, the domain list) get the larger import limit. */
const importPaths = new Set(['/api/v1/register/imports', '/api/v1/register/domain-imports']);

export function createApp(deps: Deps) {
  const app = createRouter();
  // Per-process request counts and latencies for GET /metrics (first, so it times everything below).
  const http = createHttpMetrics();
  app.use('*', httpMetrics(http));
  app.use('*', requestContext(deps));
  // HSTS only where the service is reached over https (PUBLIC_BASE_URL).
  app.use(
    '*',
    securityHeaders({
      hsts: deps.config.PUBLIC_BASE_URL.startsWith('https:'),
      emailFramePath: EMAIL_FRAME_PATH,
    }),
  );
  app.use('*', (c, next) =>
    bodyLimit({
      maxSize: importPaths.has(c.req.path) ? deps.config.IMPORT_LIMIT_BYTES : deps.config.BODY_LIMIT_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', 'The request body is larger than this endpoint accepts.');
      },
    })(c, next),
  );
  app.use('*', readableForms());
  app.use('*', authenticate());
  app.use('*', authorise());
  app.use('*', csrfProtection());

  app.route('/', systemRoutes(deps));
  app.route('/', staticRoutes(deps));
  app.route('/', metricsRoutes(deps, http));
  app.route('/', registerRoutes());
  app.route('/', authRoutes());
  app.route('/', staffRoutes());
  app.route('/', passkeyRoutes());
  app.route('/', coverageRoutes());
  app.route('/', mailboxRoutes());
  app.route('/', mailboxKeyRoutes());
  app.route('/', mobileRoutes());
  app.route('/', reachabilityRoutes());
  app.route('/', openpgpRoutes());
  app.route('/', csafProviderRoutes());
  app.route('/', outboundRoutes());
  app.route('/', advisoryAuthoringRoutes());
  app.route('/', advisoryReleaseRoutes());
  app.route('/', advisoryTrackingRoutes());
  app.route('/', advisoryDeskRoutes());
  app.route('/', drillRoutes());
  app.route('/', genuineRoutes());
  app.route('/', pageRoutes());
  app.route('/', advisoryPageRoutes());
  app.route('/', advisoryReleasePages());
  app.route('/', advisoryEmailPages());
  app.route('/', advisoryTrackingPages());
  app.route('/', smsAckPages());
  app.route('/', mobilePageRoutes());

  registerSecuritySchemes(app);
  const documentConfig = apiDocumentConfig(deps.config);
  app.doc31('/openapi.json', documentConfig);
  let referencePage: string | undefined;
  app.get('/docs', (c) => {
    referencePage ??= renderApiReference(
      app.getOpenAPI31Document(documentConfig) as unknown as Record<string, unknown>,
      deps.config.SERVICE_NAME,
    );
    return c.html(referencePage);
  });

  app.notFound((c) => {
    const err = new AppError('not_found', `There is no page at ${c.req.method} ${c.req.path}.`);
    return respondWithError(c, err);
  });
  app.onError((err, c) => respondWithError(c, err));
  return app;
}

function respondWithError(c: Context<AppEnv>, err: unknown) {
  let error: unknown = err;
  if (err instanceof HTTPException && !(err instanceof AppError)) {
    error = new AppError(codeForStatus(err.status), err.message || 'The request could not be handled.');
  } else if (isDatabaseBusy(err)) {
    // Another writer held the lock past the busy timeout; the write was rolled back whole (one batch).
    error = new AppError('unavailable', 'The service is busy. Try again in a moment.', {
      extra: { retryAfter: 2 },
      cause: err,
    });
    (c.var.log ?? c.var.deps?.log)?.warn('database busy', { err });
  }
  if (!(error instanceof AppError)) {
    (c.var.log ?? c.var.deps?.log)?.error('unhandled error', { err });
  }
  const requestId = c.var.requestId;
  const problem = toProblem(error, c.req.path, requestId);
  // A browser that is not signed in (or whose session ended) goes to the sign-in page.
  if (problem.code === 'unauthenticated' && wantsHtml(c)) {
    rememberNextPage(c);
    return c.redirect('/sign-in', 303);
  }
  if (wantsHtml(c)) {
    c.header('Cache-Control', 'no-store');
    return c.html(renderErrorPage(c, problem), problem.status as ContentfulStatusCode);
  }
  if (typeof problem.retryAfter === 'number') c.header('Retry-After', String(problem.retryAfter));
  if (problem.code === 'unauthenticated') c.header('WWW-Authenticate', 'Bearer realm="cyber-contacts"');
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json; charset=utf-8',
  });
}

/**
 * A form body that cannot be parsed (a broken multipart body, say) is the client's error: 400 here, once,
 * instead of a 500 from wherever it is first read (the CSRF check, a page, a link route). Hono keeps the
 * parsed form, so nothing reads the body twice. Only form types, and only where a form is read: pages, link
 * routes, and the CSRF check of a browser's API call. An API client with a token is left to its route,
 * which answers 415 for a form where it wants JSON or CSV.
 */
function readableForms(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    const form =
      type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded');
    const apiClient = c.req.path.startsWith('/api/') && c.req.header('authorization') !== undefined;
    if (form && !apiClient && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      await c.req.parseBody().catch((err: unknown) => {
        // Too large stays 413 (hono's body limit recognises its own error).
        if (err instanceof AppError || (err instanceof Error && err.name === 'BodyLimitError')) throw err;
        throw new AppError('bad_request', 'The form could not be read.', { cause: err });
      });
    }
    await next();
  };
}

function codeForStatus(status: number): ErrorCode {
  const map: Record<number, ErrorCode> = {
    400: 'bad_request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'conflict',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    429: 'rate_limited',
  };
  return map[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}
