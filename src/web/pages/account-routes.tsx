// GET /account and its buttons. Which mailboxes a session may see or change is decided by the verbs'
// scope (the session's own council), never by what this page happens to show.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { liveMailboxStates } from '../../domain/mailbox-states.js';
import { AppError } from '../../errors.js';
import { MAX_ACK_NAME_LENGTH } from '../../features/advisories/ack-delivery.js';
import { accessTo } from '../../features/advisories/advisory-scope.js';
import { acknowledgeAsCouncil } from '../../features/advisories/council-acknowledge.js';
import { deliveryTotals, listDeliveries } from '../../features/advisories/delivery-list.js';
import { listAdvisories } from '../../features/advisories/list-advisories.js';
import { advisoryViewFor } from '../../features/advisories/view.js';
import { findAuthority } from '../../features/authority-register/get-authority.js';
import { contactPathsOf } from '../../features/coverage/contact-paths-query.js';
import { lastDrillsOf } from '../../features/coverage/drill-response.js';
import { keysOfMailboxes } from '../../features/mailbox-keys/manage-keys.js';
import { listMailboxes } from '../../features/mailboxes/list-mailboxes.js';
import {
  changeMailboxContact,
  getMailbox,
  resendConfirmation,
  retireMailbox,
} from '../../features/mailboxes/manage-mailbox.js';
import { MailboxContact } from '../../features/mailboxes/schemas.js';
import { listMobiles } from '../../features/mobiles/manage-mobiles.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import {
  AccountPage,
  ContactForm,
  contactTitle,
  isOnlyPrimary,
  RemoveMailboxPage,
  removeTitle,
} from './account.js';
import { CouncilAdvisoryPage, councilAdvisoryTitle } from './council-advisories.js';
import { showStaffAccount } from './passkey-routes.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

async function showAccount(
  c: Context<AppEnv>,
  outcome: { done?: string; error?: AppError; id?: string } = {},
) {
  const principal = requirePrincipal(c);
  const deps = c.var.deps;
  const code = principal.authorityCode ?? '';
  const authority = await findAuthority(deps, code);
  const [list, sent, mobiles, paths, drills] = await Promise.all([
    listMailboxes(deps, principal, { state: [...liveMailboxStates], limit: 100, offset: 0 }),
    listAdvisories(deps, principal, { limit: 20, offset: 0 }),
    listMobiles(deps, principal, code),
    // The session's own council only: the code comes from the principal, never from the request.
    contactPathsOf(deps, [code]),
    lastDrillsOf(deps, [code]),
  ]);
  const keys = await keysOfMailboxes(
    deps,
    list.items.map((m) => m.id),
  );
  const totals = await deliveryTotals(
    deps,
    principal,
    sent.items.map((a) => a.id),
  );
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
      authorityCode={code}
      advisories={sent.items}
      totals={totals}
      mailboxes={list.items}
      mobiles={mobiles}
      contactPaths={paths.get(code)!}
      lastDrill={drills.get(code) ?? null}
      errors={errors}
      done={outcome.done}
      keys={keys}
    />,
  );
}

const shownErrors: AppError['code'][] = ['not_found', 'conflict', 'rate_limited', 'forbidden'];

/** One advisory sent to the council, as the council sees it. */
async function showCouncilAdvisory(
  c: Context<AppEnv>,
  id: string,
  outcome: { errors?: Array<{ field: string; text: string }>; name?: string } = {},
) {
  const deps = c.var.deps;
  const principal = requirePrincipal(c);
  const access = await accessTo(deps, principal, id);
  const advisory = advisoryViewFor(principal, access.advisory, access.content);
  const deliveries = await listDeliveries(deps, principal, id, { limit: 100 });
  const errors = outcome.errors ?? [];
  return renderPage(
    c,
    {
      title: councilAdvisoryTitle(advisory),
      hasErrors: errors.length > 0,
      status: errors.length ? 409 : 200,
    },
    <CouncilAdvisoryPage
      advisory={advisory}
      deliveries={deliveries}
      csrf={csrfToken(c)}
      done={resultOf(c, AccountResult)?.done}
      errors={errors}
      name={outcome.name}
    />,
  );
}

/** What an action on the account page did, shown after its redirect. */
const AccountResult = z.object({ done: z.string().max(500) });

export function accountPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/account', async (c) => {
    const principal = requirePrincipal(c);
    // Staff have their own account page: their passkeys (and, for an admin, the passkey step).
    if (principal.role !== 'council') return showStaffAccount(c);
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

  router.get('/account/mailboxes/:id/contact', async (c) => {
    const id = c.req.param('id');
    const found = await orPageError(shownErrors, getMailbox(c.var.deps, requirePrincipal(c), id));
    if (found instanceof AppError) return showAccount(c, { error: found, id });
    return renderPage(
      c,
      { title: contactTitle(found.address) },
      <ContactForm
        csrf={csrfToken(c)}
        mailbox={found}
        values={{ team: found.team, phone: found.phone ?? '' }}
        errors={{}}
      />,
    );
  });

  router.post('/account/mailboxes/:id/contact', async (c) => {
    const id = c.req.param('id');
    const field = await formFields(c);
    const values = { team: field('team'), phone: field('phone') };
    const parsed = MailboxContact.safeParse(values);
    const found = await orPageError(shownErrors, getMailbox(c.var.deps, requirePrincipal(c), id));
    if (found instanceof AppError) return showAccount(c, { error: found, id });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'team')] ??= issue.message;
      return renderPage(
        c,
        { title: contactTitle(found.address), hasErrors: true, status: 422 },
        <ContactForm csrf={csrfToken(c)} mailbox={found} values={values} errors={errors} />,
      );
    }
    const changed = await orPageError(
      shownErrors,
      changeMailboxContact(c.var.deps, actorOf(c), id, parsed.data),
    );
    if (changed instanceof AppError) return showAccount(c, { error: changed, id });
    return redirectWithResult(c, '/account', {
      done: `The contact details of ${changed.address} have been changed`,
    });
  });

  router.get('/account/advisories/:id', (c) => showCouncilAdvisory(c, c.req.param('id')));

  router.post('/account/advisories/:id/acknowledge', async (c) => {
    const id = c.req.param('id');
    const name = (await formFields(c))('name').trim();
    if (name.length > MAX_ACK_NAME_LENGTH)
      return showCouncilAdvisory(c, id, {
        errors: [
          { field: 'name', text: `Your name or team must be ${MAX_ACK_NAME_LENGTH} characters or fewer` },
        ],
        name,
      });
    const done = await orPageError(shownErrors, acknowledgeAsCouncil(c.var.deps, actorOf(c), id, name));
    if (done instanceof AppError)
      return showCouncilAdvisory(c, id, { errors: [{ field: 'acknowledge', text: done.message }] });
    return redirectWithResult(c, `/account/advisories/${encodeURIComponent(id)}`, {
      done: done.state === 'already' ? 'It was already acknowledged.' : 'Acknowledged. Thank you.',
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
