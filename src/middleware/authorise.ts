// Authentication (bearer token, then session cookie) and authorisation against the declared policy table.
// A bearer secret that matches no stored token may still be the bootstrap admin's (only while no admin
// exists, see BOOTSTRAP_ADMIN_TOKEN_SHA256); every request it makes is audited.
import { deleteCookie, getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../deps.js';
import { AppError } from '../errors.js';
import { bookkeepingFor } from '../features/auth/bookkeeping.js';
import { accessFor } from '../features/auth/policy.js';
import { authenticateSession, SESSION_COOKIE } from '../features/auth/sessions.js';
import {
  authenticateBootstrapToken,
  authenticateToken,
  BOOTSTRAP_ACTOR,
  recordBootstrapUse,
} from '../features/auth/tokens.js';
import { beforePasskeyStep, PASSKEY_STEP_PAGE, passkeyStepPending } from '../features/passkeys/admin-rule.js';
import { wantsHtml } from '../web/negotiate.js';

export function authenticate() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const secret = match?.[1];
      const principal = secret
        ? ((await authenticateToken(c.var.deps, secret, bookkeepingFor(c))) ??
          (await authenticateBootstrapToken(c.var.deps, secret, c.var.log)))
        : null;
      if (!principal)
        throw new AppError(
          'unauthenticated',
          'The bearer token is missing, malformed, unknown, revoked or expired.',
        );
      c.set('principal', principal);
      if (principal.actor === BOOTSTRAP_ACTOR)
        await recordBootstrapUse(
          c.var.deps,
          { principal, requestId: c.var.requestId, ip: c.var.clientIp },
          { method: c.req.method, path: c.req.path },
        );
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) {
        const principal = await authenticateSession(c.var.deps, cookie, bookkeepingFor(c));
        if (principal) c.set('principal', principal);
        else deleteCookie(c, SESSION_COOKIE, { path: '/' });
      }
    }
    await next();
  });
}

/**
 * The route that answers a request, as registered (e.g. "/api/v1/authorities/:code"), or null for a 404.
 * Handlers run in registration order and the first to answer wins, so that is the first non-middleware
 * match (a static `/sign-in/token` registered before `/sign-in/:token` is the one that answers).
 */
export function matchedRoute(c: Parameters<typeof matchedRoutes>[0]) {
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
  return route ? { method: route.method, path: route.path } : null;
}

export function authorise() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const route = matchedRoute(c);
    if (!route) return next(); // no such route: the not-found handler answers
    const access = accessFor(c.req.method, route.path);
    if (access === undefined) {
      c.var.log.error('route has no access policy', { route: `${route.method} ${route.path}` });
      throw new AppError('forbidden', 'This route is not open to anyone.');
    }
    const stepPending =
      passkeyStepPending(c.var.deps.config, c.var.principal ?? null) &&
      !beforePasskeyStep.has(`${c.req.method === 'HEAD' ? 'GET' : c.req.method} ${route.path}`);
    // A session held at the passkey step is nobody on public routes (no admin view, no admin approval).
    if (access === 'public') {
      if (stepPending) c.set('principal', undefined as never);
      return next();
    }
    const principal = c.var.principal;
    if (!principal)
      throw new AppError('unauthenticated', 'Sign in, or send an API token as "Authorization: Bearer …".');
    if (principal.role === 'anonymous' || !access.includes(principal.role))
      throw new AppError('forbidden', `The ${principal.role} role cannot do this.`);
    if (
      passkeyStepPending(c.var.deps.config, principal) &&
      !beforePasskeyStep.has(`${c.req.method === 'HEAD' ? 'GET' : c.req.method} ${route.path}`)
    ) {
      if (wantsHtml(c)) return c.redirect(PASSKEY_STEP_PAGE, 303);
      throw new AppError(
        'forbidden',
        'Administrators sign in with a passkey: register one, or sign in with yours, on your account page first.',
      );
    }
    return next();
  });
}
