// Sign-in and sign-out: the magic link for councils, an API token for staff; both start a session cookie.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { AppEnv } from '../../deps.js';
import { type Role, roles } from '../../domain/principal.js';
import { enforceLimits } from '../../features/abuse/rate-limit.js';
import { auditEntry } from '../../features/audit/record.js';
import { startSession } from '../../features/auth/session-cookie.js';
import { createSession, endSession, SESSION_COOKIE } from '../../features/auth/sessions.js';
import { authenticateToken } from '../../features/auth/tokens.js';
import {
  inspectSignInLink,
  requestSignInLink,
  signInRequestedMessage,
  signInWithLink,
} from '../../features/mailboxes/sign-in-link.js';
import { MAIL_UNAVAILABLE_ON_PAGES, mailUnavailableMessage } from '../../features/outbound/mail-available.js';
import { PASSKEY_STEP_PAGE } from '../../features/passkeys/admin-rule.js';
import {
  inspectStaffSignInLink,
  requestStaffSignInLink,
  signInStaffWithLink,
} from '../../features/staff/sign-in.js';
import { inBackground } from '../../lib/background.js';
import { browserMark, ensureBrowserMark } from '../../lib/browser-cookie.js';
import { csrfToken } from '../../middleware/csrf.js';
import { takeNextPage } from '../next-page.js';
import { showLinkProblem } from './link-problem.js';
import { formFields, renderPage } from './render.js';
import {
  OtherBrowserPage,
  otherBrowserTitle,
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

/** A staff link opened in another browser than the one that asked: it works only there; a new one is offered. */
function showOtherBrowser(c: Context<AppEnv>, address: string) {
  return renderPage(
    c,
    { title: otherBrowserTitle, status: 403 },
    <OtherBrowserPage csrf={csrfToken(c)} address={address} />,
  );
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
    // The link is bound to this browser (its mark's hash is kept with the link).
    const browser = ensureBrowserMark(c);
    // Sent in the background: the same page, in the same time, whether or not the address is registered
    // (as a confirmed mailbox, or as an enabled staff member: each gets its own kind of link).
    inBackground(
      c,
      c.var.deps.db,
      c.var.log,
      'sign-in link',
      Promise.all([
        requestSignInLink(c.var.deps, c.var.clientIp, address, browser),
        requestStaffSignInLink(c.var.deps, c.var.clientIp, address, browser),
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
    // Staff sign in as themselves, with their link and passkey: a token names no person (SECURITY.md).
    if (role !== 'council')
      return showSignIn(c, '', {
        token: 'Staff sign in with their e-mailed link or a passkey, not an API token',
      });
    const now = deps.clock.now();
    const session = await createSession(deps, {
      actor: principal.actor,
      role,
      label: principal.label,
      authorityCode: principal.authorityCode,
      warpId: principal.warpId,
      authMethod: 'token',
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
    const browser = browserMark(c);
    const found = await inspectSignInLink(c.var.deps, token, browser);
    if (found.state === 'unknown') {
      // Not a council's link: perhaps a staff member's.
      const staff = await inspectStaffSignInLink(c.var.deps, token, browser);
      if (staff.state === 'valid' && staff.staff && !staff.sameBrowser)
        return showOtherBrowser(c, staff.staff.address);
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
      <SignInLinkPage token={token} authorityName={found.authorityName} otherBrowser={!found.sameBrowser} />,
    );
  });

  router.post('/sign-in/:token', async (c) => {
    const token = c.req.param('token');
    const browser = browserMark(c);
    const confirmed = (await formFields(c))('otherBrowser') === 'yes';
    const result = await signInWithLink(c.var.deps, token, c.var.clientIp, browser, confirmed);
    if (result.state === 'unknown') {
      // Not a council's link: perhaps a staff member's.
      const staff = await signInStaffWithLink(c.var.deps, token, c.var.clientIp, browser);
      if (staff.state === 'valid' && staff.session) {
        await startSession(c, staff.session);
        // An admin who must use a passkey goes to the passkey step first (the account page).
        const next = takeNextPage(c, 'staff', '/dashboard');
        return c.redirect(
          staff.staff?.role === 'admin' && c.var.deps.config.ADMIN_PASSKEY_REQUIRED
            ? PASSKEY_STEP_PAGE
            : next,
          303,
        );
      }
      if (staff.state === 'other-browser' && staff.staff) return showOtherBrowser(c, staff.staff.address);
      if (staff.state === 'expired' || staff.state === 'used')
        return showLinkProblem(c, { purpose: 'sign-in', state: staff.state });
    }
    if (result.state === 'other-browser')
      return renderPage(
        c,
        { title: signInLinkTitle(result.authorityName) },
        <SignInLinkPage token={token} authorityName={result.authorityName} otherBrowser />,
      );
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
