// Starting a browser session: the session this browser had (if any) ends, and the new one's cookie is set
// (HttpOnly, SameSite=Lax, Secure over HTTPS, for the session's lifetime).
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../deps.js';
import { endSession, SESSION_COOKIE } from './sessions.js';

export async function startSession(c: Context<AppEnv>, session: { secret: string }) {
  const deps = c.var.deps;
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await endSession(deps, previous);
  setCookie(c, SESSION_COOKIE, session.secret, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: deps.config.PUBLIC_BASE_URL.startsWith('https:'),
    path: '/',
    maxAge: deps.config.SESSION_TTL_HOURS * 3600,
  });
}
