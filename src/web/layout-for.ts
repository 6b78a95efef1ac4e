// What every page's layout shows of the person looking: the service menu for their role, the signed-in
// line and the sign-out form. Pages (render.tsx) and error pages (error-page.tsx) both use it.
import type { Context } from 'hono';
import type { AppEnv } from '../deps.js';
import type { LayoutProps } from './layout.js';
import { isSession, navFor } from './nav.js';

export function layoutFor(
  c: Context<AppEnv>,
  counts: { approvals?: number } = {},
): Pick<LayoutProps, 'serviceName' | 'nav' | 'signedInAs' | 'signOut' | 'branding'> {
  const principal = c.var.principal;
  const session = isSession(principal) ? principal : null;
  const config = c.var.deps?.config;
  return {
    serviceName: config?.SERVICE_NAME,
    branding: config?.GOVUK_BRANDING ?? false,
    nav: navFor(principal, c.req.path, counts),
    signedInAs: session?.label ?? null,
    signOut: session ? { csrfToken: session.csrfToken } : undefined,
  };
}
