// The council's own pages for a mailbox's OpenPGP key: GET the page, POST a pasted key, POST a look-up on
// the council's domain, POST a removal. The verbs decide which mailboxes a session may see (404 otherwise).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { addMailboxKey, discoverMailboxKey } from '../../features/mailbox-keys/add-key.js';
import { listMailboxKeys, removeMailboxKey } from '../../features/mailbox-keys/manage-keys.js';
import { findVisibleMailbox } from '../../features/mailbox-keys/visible-mailbox.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult } from '../flash.js';
import { keyPageTitle, MailboxKeyPage } from './mailbox-key-pages.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

const shown: AppError['code'][] = ['not_found', 'conflict', 'rate_limited', 'forbidden', 'validation_failed'];

async function showKeyPage(
  c: Context<AppEnv>,
  id: string,
  outcome: { error?: AppError; value?: string } = {},
) {
  const deps = c.var.deps;
  const principal = requirePrincipal(c);
  const mailbox = await findVisibleMailbox(deps, principal, id);
  const keys = await listMailboxKeys(deps, principal, id);
  const field = (outcome.error?.extra?.field as string | undefined) ?? 'key';
  const errors = outcome.error ? [{ field, text: outcome.error.message }] : [];
  return renderPage(
    c,
    {
      title: keyPageTitle(mailbox.address),
      hasErrors: errors.length > 0,
      status: outcome.error ? statusOf(outcome.error) : 200,
    },
    <MailboxKeyPage
      csrf={csrfToken(c)}
      mailbox={mailbox}
      keys={keys}
      value={outcome.value}
      errors={errors}
    />,
  );
}

const sentWords = (address: string, added: { confirmationSent: boolean; unchanged: boolean }) =>
  added.unchanged
    ? `This key is already the one in use for ${address}`
    : added.confirmationSent
      ? `We have sent a link to ${address}, encrypted to the new key: open it to start using the key`
      : `The key is saved, but we could not send its confirmation to ${address}. Try again later.`;

export function mailboxKeyPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/account/mailboxes/:id/key', (c) => showKeyPage(c, c.req.param('id')));

  router.post('/account/mailboxes/:id/key', async (c) => {
    const id = c.req.param('id');
    const value = (await formFields(c))('key');
    const added = await orPageError(
      shown,
      addMailboxKey(c.var.deps, actorOf(c), id, value, { source: 'upload' }),
    );
    if (added instanceof AppError) return showKeyPage(c, id, { error: added, value });
    const mailbox = await findVisibleMailbox(c.var.deps, requirePrincipal(c), id);
    return redirectWithResult(c, '/account', { done: sentWords(mailbox.address, added) });
  });

  router.post('/account/mailboxes/:id/key/discover', async (c) => {
    const id = c.req.param('id');
    const source = (await formFields(c))('source') === 'security-txt' ? 'security-txt' : 'wkd';
    const added = await orPageError(shown, discoverMailboxKey(c.var.deps, actorOf(c), id, source));
    if (added instanceof AppError) return showKeyPage(c, id, { error: added });
    const mailbox = await findVisibleMailbox(c.var.deps, requirePrincipal(c), id);
    return redirectWithResult(c, '/account', { done: sentWords(mailbox.address, added) });
  });

  router.post('/account/mailboxes/:id/keys/:keyId/remove', async (c) => {
    const id = c.req.param('id');
    const removed = await orPageError(
      shown,
      removeMailboxKey(c.var.deps, actorOf(c), id, c.req.param('keyId')),
    );
    if (removed instanceof AppError) return showKeyPage(c, id, { error: removed });
    return redirectWithResult(c, '/account', {
      done: `The key ${removed.fingerprintGrouped} is removed: advisories are no longer encrypted to it`,
    });
  });

  return router;
}
