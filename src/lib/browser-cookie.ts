// The browser's own random mark: a cookie (`__Host-cc_browser` over HTTPS) that sign-in links and WebAuthn
// challenges are bound to. Only its hash is stored with them, so a link or challenge works only in the
// browser that asked for it. The same value is kept while it lives, so asking twice keeps both links usable.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../deps.js';

const LIFETIME_SECONDS = 24 * 3600;

/** The cookie's name: the `__Host-` prefix (Secure, no Domain, path /) needs HTTPS, so plain HTTP drops it. */
export function browserCookieName(publicBaseUrl: string): string {
  return publicBaseUrl.startsWith('https:') ? '__Host-cc_browser' : 'cc_browser';
}

/** This browser's mark, if it has one. */
export function browserMark(c: Context<AppEnv>): string | null {
  const value = getCookie(c, browserCookieName(c.var.deps.config.PUBLIC_BASE_URL));
  return value && /^[A-Za-z0-9_-]{32,100}$/.test(value) ? value : null;
}

/** This browser's mark, set now if it has none. */
export function ensureBrowserMark(c: Context<AppEnv>): string {
  const existing = browserMark(c);
  if (existing) return existing;
  const value = c.var.deps.random.secret(32);
  const secure = c.var.deps.config.PUBLIC_BASE_URL.startsWith('https:');
  setCookie(c, browserCookieName(c.var.deps.config.PUBLIC_BASE_URL), value, {
    httpOnly: true,
    // Lax: a link opened from a webmail (a top-level navigation from another site) must still carry it.
    sameSite: 'Lax',
    secure,
    path: '/',
    maxAge: LIFETIME_SECONDS,
  });
  return value;
}
