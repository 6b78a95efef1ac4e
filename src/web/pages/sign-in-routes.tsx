// Sign-in and sign-out: the magic link for councils, an API token for staff; both start a session cookie.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../deps.js';
import { type Role, roles } from '../../domain/principal.js';
import { enforceLimits } from '../../features/abuse/rate-limit.js';
import { auditEntry } from '../../features/audit/record.js';
import { createSession, endSession, SESSION_COOKIE } from '../../features/auth/sessions.js';
import { authenticateToken } from '../../features/auth/tokens.js';
import {
  inspectSignInLink,
  requestSignInLink,
  signInRequestedMessage,
  signInWithLink,
} from '../../features/mailboxes/sign-in-link.js';
import { MAIL_UNAVAILABLE_ON_PAGES, mailUnavailableMessage } from '../../features/outbound/mail-available.js';
import {
  inspectStaffSignInLink,
  requestStaffSignInLink,
  signInStaffWithLink,
} from '../../features/staff/sign-in.js';
import { inBackground } from '../../lib/background.js';
import { csrfToken } from '../../middleware/csrf.js';
import { takeNextPage } from '../next-page.js';
import { showLinkProblem } from './link-problem.js';
import { formFields, renderPage } from './render.js';
import {
  SignInLinkPage,
  SignInPage,
  SignInSentPage,
  StaffSignInLinkPage,
  signInLinkTitle,
  signInTitle,
  staffSignInTitle,
} from './sign-in.js';

function showSignIn(
  c: Context<AppEnv>,
  address = '',
  errors: { address?: string; token?: string } = {},
  status?: 503,
) {
  const hasErrors = Boolean(errors.address || errors.token);
  return renderPage(
    c,
    { title: signInTitle, hasErrors, status: status ?? (hasErrors ? 422 : 200) },
    <SignInPage csrf={csrfToken(c)} address={address} errors={errors} />,
  );
}

/** Ends the session the browser had (if any) and sets the new one's cookie. */
async function startSession(c: Context<AppEnv>, session: { secret: string }) {
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

function isSessionRole(role: string): role is Role {
  return (roles as readonly string[]).includes(role);
}

export function signInPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/sign-in', (c) => showSignIn(c));

  router.post('/sign-in', async (c) => {
    const address = (await formFields(c))('address').trim();
    if (!address) return showSignIn(c, '', { address: 'Enter your e-mail address' });
    // Without mail no link can go: say so, rather than "check your mailbox".
    if (mailUnavailableMessage(c.var.deps))
      return showSignIn(c, address, { address: MAIL_UNAVAILABLE_ON_PAGES }, 503);
    // Sent in the background: the same page, in the same time, whether or not the address is registered
    // (as a confirmed mailbox, or as an enabled staff member: each gets its own kind of link).
    inBackground(
      c,
      c.var.deps.db,
      c.var.log,
      'sign-in link',
      Promise.all([
        requestSignInLink(c.var.deps, c.var.clientIp, address),
        requestStaffSignInLink(c.var.deps, c.var.clientIp, address),
      ]),
    );
    // Post/redirect/get: refreshing the page that follows asks for nothing again.
    return c.redirect('/sign-in/sent', 303);
  });

  // Registered before /sign-in/:token so that this static path is the one that answers.
  router.get('/sign-in/sent', (c) =>
    renderPage(c, { title: 'Check your mailbox' }, <SignInSentPage message={signInRequestedMessage} />),
  );

  // Registered before /sign-in/:token so that this static path is the one that answers.
  router.post('/sign-in/token', async (c) => {
    const deps = c.var.deps;
    const secret = (await formFields(c))('token').trim();
    if (!secret) return showSignIn(c, '', { token: 'Enter your API token' });
    await enforceLimits(
      deps,
      [
        {
          key: `token-sign-in:ip:${c.var.clientIp}`,
          max: deps.config.RATE_LIMIT_PER_IP,
          windowSeconds: 3600,
        },
      ],
      'sign-in attempts from your network',
    );
    const principal = await authenticateToken(deps, secret);
    if (!principal)
      return showSignIn(c, '', { token: 'The token is not valid, or it has expired or been revoked' });
    const role = principal.role;
    if (!isSessionRole(role))
      return showSignIn(c, '', { token: 'This token cannot be used to sign in to pages' });
    const now = deps.clock.now();
    const session = await createSession(deps, {
      actor: principal.actor,
      role,
      label: principal.label,
      authorityCode: principal.authorityCode,
      warpId: principal.warpId,
    });
    await auditEntry(deps.db, { principal, requestId: c.var.requestId, ip: c.var.clientIp }, now, {
      action: 'session.sign-in',
      subjectType: 'token',
      subjectId: principal.actor.replace(/^token:/, ''),
      after: { role, session: session.actor },
    });
    await startSession(c, session);
    return c.redirect(takeNextPage(c, role, role === 'council' ? '/account' : '/dashboard'), 303);
  });

  router.get('/sign-in/:token', async (c) => {
    const token = c.req.param('token');
    const found = await inspectSignInLink(c.var.deps, token);
    if (found.state === 'unknown') {
      // Not a council's link: perhaps a staff member's.
      const staff = await inspectStaffSignInLink(c.var.deps, token);
      if (staff.state === 'valid' && staff.staff)
        return renderPage(
          c,
          { title: staffSignInTitle },
          <StaffSignInLinkPage token={token} name={staff.staff.name} role={staff.staff.role} />,
        );
      if (staff.state === 'expired' || staff.state === 'used')
        return showLinkProblem(c, { purpose: 'sign-in', state: staff.state });
    }
    if (found.state !== 'valid') return showLinkProblem(c, { purpose: 'sign-in', state: found.state });
    return renderPage(
      c,
      { title: signInLinkTitle(found.authorityName) },
      <SignInLinkPage token={token} authorityName={found.authorityName} />,
    );
  });

  router.post('/sign-in/:token', async (c) => {
    const result = await signInWithLink(c.var.deps, c.req.param('token'), c.var.clientIp);
    if (result.state === 'unknown') {
      // Not a council's link: perhaps a staff member's.
      const staff = await signInStaffWithLink(c.var.deps, c.req.param('token'), c.var.clientIp);
      if (staff.state === 'valid' && staff.session) {
        await startSession(c, staff.session);
        return c.redirect(takeNextPage(c, 'staff', '/dashboard'), 303);
      }
      if (staff.state === 'expired' || staff.state === 'used')
        return showLinkProblem(c, { purpose: 'sign-in', state: staff.state });
    }
    if (result.state !== 'valid' || !result.session)
      return showLinkProblem(c, {
        purpose: 'sign-in',
        state: result.state === 'valid' ? 'unknown' : result.state,
      });
    await startSession(c, result.session);
    return c.redirect(takeNextPage(c, 'council', '/account'), 303);
  });

  router.post('/sign-out', async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) await endSession(c.var.deps, secret);
    deleteCookie(c, SESSION_COOKIE, {
      path: '/',
      secure: c.var.deps.config.PUBLIC_BASE_URL.startsWith('https:'),
    });
    return c.redirect('/', 303);
  });

  return router;
}
