// A staff member's account page (GET /account for staff) and its passkey forms: rename and remove, plain
// POST + redirect. Which passkey a request may touch is decided in the feature (the session's own person),
// never by what the page shows.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { passkeyStepPending } from '../../features/passkeys/admin-rule.js';
import {
  getPasskey,
  listPasskeys,
  removePasskey,
  renamePasskey,
} from '../../features/passkeys/manage-passkeys.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import {
  type PasskeyStep,
  RemovePasskeyPage,
  RenamePasskeyPage,
  removePasskeyTitle,
  renamePasskeyTitle,
  StaffAccountPage,
  staffAccountTitle,
} from './passkeys.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

const AccountResult = z.object({ done: z.string().max(500) });
const shownErrors: AppError['code'][] = ['not_found', 'conflict', 'forbidden', 'validation_failed'];

/** The staff account page, with what the admin rule asks first (if anything). */
export async function showStaffAccount(c: Context<AppEnv>, error?: AppError) {
  const principal = requirePrincipal(c);
  const deps = c.var.deps;
  if (!principal.actor.startsWith('staff:'))
    // An admin or WARP session opened with an API token (before passkeys): it has no person to hold passkeys.
    return renderPage(
      c,
      { title: staffAccountTitle },
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{staffAccountTitle}</h1>
          <p class="govuk-body">
            You signed in with an API token. Staff sign in with their own e-mailed link, then a passkey: sign
            out and ask for a link on the sign-in page.
          </p>
        </div>
      </div>,
    );
  const passkeys = await listPasskeys(deps, principal);
  const pending = passkeyStepPending(deps.config, principal);
  const step: PasskeyStep = !pending ? 'none' : passkeys.length === 0 ? 'enrol' : 'sign-in';
  const errors = error ? [{ field: 'passkeys', text: error.message }] : [];
  return renderPage(
    c,
    { title: staffAccountTitle, hasErrors: errors.length > 0, status: error ? statusOf(error) : 200 },
    <StaffAccountPage
      csrf={csrfToken(c)}
      name={principal.label}
      address={principal.actor.slice('staff:'.length)}
      role={principal.role === 'admin' ? 'admin' : 'warp'}
      passkeys={passkeys}
      step={step}
      canAdd={passkeys.length === 0 || principal.authMethod === 'passkey'}
      errors={errors}
      done={resultOf(c, AccountResult)?.done}
    />,
  );
}

export function passkeyPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/account/passkeys/:id/rename', async (c) => {
    const found = await orPageError(
      shownErrors,
      getPasskey(c.var.deps, requirePrincipal(c), c.req.param('id')),
    );
    if (found instanceof AppError) return showStaffAccount(c, found);
    return renderPage(
      c,
      { title: renamePasskeyTitle(found.name) },
      <RenamePasskeyPage csrf={csrfToken(c)} passkey={found} value={found.name} />,
    );
  });

  router.post('/account/passkeys/:id/rename', async (c) => {
    const id = c.req.param('id');
    const name = (await formFields(c))('name');
    const found = await orPageError(shownErrors, getPasskey(c.var.deps, requirePrincipal(c), id));
    if (found instanceof AppError) return showStaffAccount(c, found);
    const renamed = await orPageError(shownErrors, renamePasskey(c.var.deps, actorOf(c), id, name));
    if (renamed instanceof AppError) {
      if (renamed.code !== 'validation_failed') return showStaffAccount(c, renamed);
      return renderPage(
        c,
        { title: renamePasskeyTitle(found.name), hasErrors: true, status: 422 },
        <RenamePasskeyPage
          csrf={csrfToken(c)}
          passkey={found}
          value={name}
          error="Enter a name of up to 60 characters"
        />,
      );
    }
    return redirectWithResult(c, '/account', { done: `The passkey is now called “${renamed.name}”` });
  });

  router.get('/account/passkeys/:id/remove', async (c) => {
    const found = await orPageError(
      shownErrors,
      getPasskey(c.var.deps, requirePrincipal(c), c.req.param('id')),
    );
    if (found instanceof AppError) return showStaffAccount(c, found);
    return renderPage(
      c,
      { title: removePasskeyTitle(found.name) },
      <RemovePasskeyPage csrf={csrfToken(c)} passkey={found} />,
    );
  });

  router.post('/account/passkeys/:id/remove', async (c) => {
    const removed = await orPageError(shownErrors, removePasskey(c.var.deps, actorOf(c), c.req.param('id')));
    if (removed instanceof AppError) return showStaffAccount(c, removed);
    return redirectWithResult(c, '/account', { done: `The passkey “${removed.name}” has been removed` });
  });

  return router;
}
