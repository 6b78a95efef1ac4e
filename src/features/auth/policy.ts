// Who may call which route: one declared table, deny by default. The key is "METHOD /path" as the route
// is registered. A route missing from this table answers 403 to everyone (and the policy test fails).
import type { Role } from './principal.js';

export type Access = 'public' | readonly (Role | 'inbound')[];

const anyone = 'public' as const;
const signedIn = ['admin', 'warp', 'council'] as const;
const admin = ['admin'] as const;

export const policy: Record<string, Access> = {
  // service
  'GET /healthz': anyone,
  'GET /readyz': anyone,
  'GET /openapi.json': anyone,
  'GET /docs': anyone,
  'GET /assets/*': anyone,
  'GET /app.js': anyone,
  'GET /app.css': anyone,
  'GET /api/v1/me': signedIn,

  // register
  'POST /api/v1/register/imports': admin,
  'POST /api/v1/register/sync': admin,
  'POST /api/v1/register/domain-imports': admin,
  'GET /api/v1/authorities': signedIn,
  'GET /api/v1/authorities/:code': signedIn,
  'POST /api/v1/authorities/:code/domains': admin,
  'DELETE /api/v1/authorities/:code/domains/:domain': admin,
  'GET /api/v1/warps': signedIn,
  'GET /api/v1/warps/:id': signedIn,
  'POST /api/v1/warps': admin,
  'PATCH /api/v1/warps/:id': admin,
  'DELETE /api/v1/warps/:id': admin,
  'POST /api/v1/warps/:id/members': admin,

  // access control and audit
  'GET /api/v1/tokens': admin,
  'POST /api/v1/tokens': admin,
  'DELETE /api/v1/tokens/:id': admin,
  'GET /api/v1/audit': signedIn,
};

export function accessFor(method: string, path: string): Access | undefined {
  return policy[`${method === 'HEAD' ? 'GET' : method} ${path}`];
}
