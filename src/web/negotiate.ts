// Whether a request is from a browser page (HTML answers) or an API client (problem+json).
import type { Context } from 'hono';

export function wantsHtml(c: Context): boolean {
  const path = c.req.path;
  if (path.startsWith('/api/') || path === '/openapi.json' || path.endsWith('.json') || path.endsWith('.csv'))
    return false;
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html');
}
