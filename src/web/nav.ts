// The service navigation for whoever is looking: what they can reach, and the page they are on.
import type { Principal } from '../domain/principal.js';
import type { NavItem } from './layout.js';

export function navFor(
  principal: Principal | null | undefined,
  path: string,
  counts: { approvals?: number } = {},
): NavItem[] {
  const role = principal?.role;
  const items: Array<Omit<NavItem, 'current'>> = [];
  if (role === 'council')
    items.push(
      { href: '/register', text: 'Register' },
      { href: '/coverage', text: 'Coverage' },
      { href: '/account', text: 'Your council' },
      { href: '/api-keys', text: 'API keys' },
    );
  else if (role === 'warp')
    items.push(
      { href: '/dashboard', text: 'Dashboard' },
      { href: '/dashboard/chase', text: 'Chase list' },
      { href: '/advisories', text: 'Advisories' },
      { href: '/drills', text: 'Drills' },
      { href: '/api-keys', text: 'API keys' },
      { href: '/account', text: 'Your account' },
    );
  else if (role === 'admin')
    items.push(
      { href: '/dashboard', text: 'Dashboard' },
      { href: '/dashboard/chase', text: 'Chase list' },
      { href: '/advisories', text: 'Advisories' },
      { href: '/drills', text: 'Drills' },
      { href: '/admin/approvals', text: 'Approvals', count: counts.approvals || undefined },
      { href: '/team', text: 'Team' },
      { href: '/api-keys', text: 'API keys' },
      { href: '/audit', text: 'Audit log' },
      { href: '/account', text: 'Your account' },
    );
  else
    items.push(
      { href: '/register', text: 'Register' },
      { href: '/coverage', text: 'Coverage' },
      { href: '/sign-in', text: 'Sign in' },
    );
  // The page is under the item with the longest matching path (so /dashboard/chase is "Chase list" only).
  const matches = (href: string) => path === href || (href !== '/' && path.startsWith(`${href}/`));
  const current = items
    .filter((item) => matches(item.href))
    .reduce<string | null>(
      (best, item) => (best && best.length >= item.href.length ? best : item.href),
      null,
    );
  return items.map((item) => ({ ...item, current: item.href === current }));
}

/** Whether the principal is a browser session (one that can sign out with a form). */
export function isSession(
  principal: Principal | null | undefined,
): principal is Principal & { csrfToken: string } {
  return principal?.via === 'session' && typeof principal.csrfToken === 'string';
}
