// The service navigation for whoever is looking: what they can reach, and the page they are on.
import type { Principal } from '../features/auth/principal.js';
import type { NavItem } from './layout.js';

export function navFor(principal: Principal | null | undefined, path: string): NavItem[] {
  const items: Array<Omit<NavItem, 'current'>> = [{ href: '/register', text: 'Register' }];
  const role = principal?.role;
  if (role === 'council') items.push({ href: '/account', text: 'Your council' });
  else if (role === 'warp')
    items.push({ href: '/advisories', text: 'Advisories' }, { href: '/account', text: 'Your account' });
  else if (role === 'admin')
    items.push({ href: '/advisories', text: 'Advisories' }, { href: '/admin/approvals', text: 'Approvals' });
  else items.push({ href: '/sign-in', text: 'Sign in' });
  return items.map((item) => ({
    ...item,
    current: path === item.href || (item.href !== '/' && path.startsWith(`${item.href}/`)),
  }));
}

/** Whether the principal is a browser session (one that can sign out with a form). */
export function isSession(
  principal: Principal | null | undefined,
): principal is Principal & { csrfToken: string } {
  return principal?.via === 'session' && typeof principal.csrfToken === 'string';
}
