// What a form's result page shows, carried across its redirect (post/redirect/get): a short-lived cookie
// scoped to the result page's path, read back and checked there. Refreshing the result page shows the
// same again and submits nothing; the cookie holds only what that page shows to the same browser.
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { z } from 'zod';
import type { AppEnv } from '../deps.js';

const FLASH_COOKIE = 'cc_result';
const MAX_BYTES = 3000;

/** Sets the result for the page at `path` and answers with the redirect to it. */
export function redirectWithResult(c: Context<AppEnv>, path: string, result: unknown) {
  const value = encodeURIComponent(JSON.stringify(result));
  if (value.length <= MAX_BYTES)
    setCookie(c, FLASH_COOKIE, value, {
      path: path.split(/[?#]/)[0] || '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: c.var.deps.config.PUBLIC_BASE_URL.startsWith('https:'),
      maxAge: 10 * 60,
    });
  return c.redirect(path, 303);
}

/** The result carried to this page, if any and if it has the expected shape. */
export function resultOf<T extends z.ZodTypeAny>(c: Context<AppEnv>, schema: T): z.output<T> | null {
  const raw = getCookie(c, FLASH_COOKIE);
  if (!raw) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(decodeURIComponent(raw)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
