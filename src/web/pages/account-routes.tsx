// GET /account and its buttons. Which mailboxes a session may see or change is decided by the verbs'
// scope (the session's own council), never by what this page happens to show.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';
import { AppError } from '../../errors.js';
import { findAuthority } from '../../features/authority-register/get-authority.js';
import { listMailboxes } from '../../features/mailboxes/list-mailboxes.js';
import { getMailbox, resendConfirmation, retireMailbox } from '../../features/mailboxes/manage-mailbox.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { AccountPage, isOnlyPrimary, RemoveMailboxPage, removeTitle } from './account.js';
import { orPageError, renderPage, statusOf } from './render.js';

async function showAccount(
  c: Context<AppEnv>,
  outcome: { done?: string; error?: AppError; id?: string } = {},
) {
  const principal = requirePrincipal(c);
  const deps = c.var.deps;
  const code = principal.authorityCode ?? '';
  const authority = await findAuthority(deps, code);
  const list = await listMailboxes(deps, principal, { state: [...liveMailboxStates], limit: 100, offset: 0 });
  const shown = outcome.id && list.items.some((m) => m.id === outcome.id);
  const errors = outcome.error
    ? [{ field: shown ? `mailbox-${outcome.id}` : 'mailboxes', text: outcome.error.message }]
    : [];
  return renderPage(
    c,
    {
      title: 'Your council’s mailboxes',
      hasErrors: errors.length > 0,
      status: outcome.error ? statusOf(outcome.error) : 200,
    },
    <AccountPage
      csrf={csrfToken(c)}
      authorityName={authority?.name ?? code}
      mailboxes={list.items}
      errors={errors}
      done={outcome.done}
    />,
  );
}

const shownErrors: AppError['code'][] = ['not_found', 'conflict', 'rate_limited', 'forbidden'];

/** What an action on the account page did, shown after its redirect. */
const AccountResult = z.object({ done: z.string().max(500) });

export function accountPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/account', async (c) => {
    const principal = requirePrincipal(c);
    // Staff have the dashboard as their home; this page is a council's own.
    if (principal.role !== 'council') return c.redirect('/dashboard', 303);
    return showAccount(c, { done: resultOf(c, AccountResult)?.done });
  });

  router.post('/account/mailboxes/:id/resend', async (c) => {
    const id = c.req.param('id');
    const sent = await orPageError(shownErrors, resendConfirmation(c.var.deps, actorOf(c), id));
    if (sent instanceof AppError) return showAccount(c, { error: sent, id });
    // Post/redirect/get: refreshing the page that follows sends nothing again.
    return redirectWithResult(c, '/account', {
      done: sent.confirmationSent
        ? `We have sent a new confirmation link to ${sent.mailbox.address}`
        : `We could not send the confirmation to ${sent.mailbox.address}. Try again later.`,
    });
  });

  router.get('/account/mailboxes/:id/retire', async (c) => {
    const id = c.req.param('id');
    const found = await orPageError(shownErrors, getMailbox(c.var.deps, requirePrincipal(c), id));
    if (found instanceof AppError) return showAccount(c, { error: found, id });
    if (found.state === 'retired' || found.state === 'refused')
      return showAccount(c, { error: new AppError('conflict', `${found.address} is not in use.`), id });
    if (isOnlyPrimary(found) && requirePrincipal(c).role !== 'admin')
      return showAccount(c, {
        error: new AppError(
          'conflict',
          'This is your council’s confirmed primary mailbox. Register its replacement instead: when the new address is confirmed, this one is retired.',
        ),
        id,
      });
    return renderPage(
      c,
      { title: removeTitle(found.address) },
      <RemoveMailboxPage csrf={csrfToken(c)} mailbox={found} />,
    );
  });

  router.post('/account/mailboxes/:id/retire', async (c) => {
    const id = c.req.param('id');
    const retired = await orPageError(
      shownErrors,
      retireMailbox(c.var.deps, actorOf(c), id, 'removed on the council’s account page'),
    );
    if (retired instanceof AppError) return showAccount(c, { error: retired, id });
    return redirectWithResult(c, '/account', { done: `${retired.address} has been removed` });
  });

  return router;
}
