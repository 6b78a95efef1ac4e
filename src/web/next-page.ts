// Where a person was going when they were asked to sign in: remembered in a short-lived cookie when a page
// sends them to /sign-in, and taken (once) when they have signed in, so a deep link (an advisory's page
// from an e-mail, an approval) lands where it pointed. Only a path on this site is ever followed.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../deps.js';

const NEXT_COOKIE = 'cc_next';

/** A path on this site, not the sign-in pages, without control characters; else null. */
export function safeNextPath(value: string | undefined): string | null {
  if (!value || value.length > 500) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  for (const ch of value) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return null;
  if (value === '/sign-in' || value.startsWith('/sign-in/') || value.startsWith('/sign-out')) return null;
  return value;
}

/** Remembers the page a GET asked for, before sending the browser to sign in. */
export function rememberNextPage(c: Context<AppEnv>): void {
  if (c.req.method !== 'GET') return;
  const url = new URL(c.req.url);
  const path = safeNextPath(`${url.pathname}${url.search}`);
  if (!path) return;
  setCookie(c, NEXT_COOKIE, path, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.var.deps.config.PUBLIC_BASE_URL.startsWith('https:'),
    maxAge: 15 * 60,
  });
}

/** The page to go to after signing in (and forgets it): the remembered one if the role may go there. */
export function takeNextPage(c: Context<AppEnv>, role: string, fallback: string): string {
  const path = safeNextPath(getCookie(c, NEXT_COOKIE));
  if (getCookie(c, NEXT_COOKIE) !== undefined) deleteCookie(c, NEXT_COOKIE, { path: '/' });
  if (!path) return fallback;
  // A council has no staff pages to go back to (they would answer 403): its own page instead.
  const staffOnly = /^\/(dashboard|advisories|admin|authorities)(\/|\?|$)/.test(path);
  if (role === 'council' && staffOnly) return fallback;
  return path;
}
