// CSRF protection for everything a browser can send with cookies: forms carry a token (the session's,
// or a double-submit cookie before sign-in) and a foreign Origin is refused. Bearer-token calls are exempt.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../deps.js';
import { AppError } from '../errors.js';
import { constantTimeEqual } from '../lib/secrets.js';

export const CSRF_COOKIE = 'cc_csrf';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The links e-mailed to a mailbox (confirmation, sign-in, advisory acknowledgement) need no CSRF field: the unguessable
 * secret in the path is itself the proof that the sender read the mailbox, which a forging site cannot know.
 * Their POST must also work with no body at all, because mail security scanners and people on a phone
 * follow a link without our form's cookie. A foreign Origin is still refused for them.
 */
const linkRoutes = new Set([
  '/confirm/:token',
  '/handover/:token',
  '/sign-in/:token',
  '/ack/:token',
  '/offers/:token',
  '/s/:token',
  '/drills/ack/:token',
  '/d/:token',
  '/confirm-key/:token',
]);

/** True only when every route the request matched is a link route (so POST /sign-in/token is not one). */
function isLinkRoute(c: Context): boolean {
  const routes = matchedRoutes(c).filter((r) => r.method !== 'ALL');
  return routes.length > 0 && routes.every((r) => linkRoutes.has(r.path));
}

function isForm(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

/** The token a page's forms must carry; before sign-in it is set as a cookie (double submit). */
export function csrfToken(c: Context<AppEnv>): string {
  const sessionToken = c.var.principal?.csrfToken;
  if (sessionToken) return sessionToken;
  let token = getCookie(c, CSRF_COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) {
    token = c.var.deps.random.secret(24);
    setCookie(c, CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: c.var.deps.config.PUBLIC_BASE_URL.startsWith('https:'),
      path: '/',
    });
  }
  return token;
}

export function csrfProtection() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!unsafe.has(c.req.method)) return next();
    const principal = c.var.principal;
    if (principal?.via === 'token') return next();
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      // `Origin: null` comes from a sandboxed frame, a data: or file: page, or a cross-site redirect: never
      // from our own pages (the app's Referrer-Policy is same-origin), so it is refused like a foreign site.
      const allowed = new Set([new URL(c.var.deps.config.PUBLIC_BASE_URL).origin, new URL(c.req.url).origin]);
      if (!allowed.has(origin)) throw new AppError('forbidden', 'This form was sent from another site.');
    }
    if (isLinkRoute(c)) return next();
    if (isForm(c)) {
      const body = await c.req.parseBody();
      const sent = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
      const expected = principal?.csrfToken ?? getCookie(c, CSRF_COOKIE) ?? '';
      if (!expected || !sent || !constantTimeEqual(sent, expected))
        throw new AppError(
          'forbidden',
          'The form has expired or was not sent from this service. Go back, reload the page and try again.',
        );
      return next();
    }
    if (principal?.via === 'session') {
      const sent = c.req.header(CSRF_HEADER) ?? '';
      if (!principal.csrfToken || !constantTimeEqual(sent, principal.csrfToken))
        throw new AppError('forbidden', `A signed-in browser request needs the ${CSRF_HEADER} header.`);
    }
    return next();
  });
}
