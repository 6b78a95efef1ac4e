// GET and POST /confirm/:token: the confirmation link. The secret in the link is the proof, so these
// forms carry no CSRF field (see the exemption in middleware/csrf.ts).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../deps.js';
import {
  type ConfirmationView,
  confirmMailbox,
  inspectConfirmation,
} from '../../features/mailboxes/confirm-mailbox.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { wantsHtml } from '../negotiate.js';
import { ConfirmedPage, ConfirmPage, confirmTitle } from './confirm.js';
import { linkProblemStatus, showLinkProblem } from './link-problem.js';
import { renderPage } from './render.js';

function showProblem(c: Context<AppEnv>, found: ConfirmationView) {
  const state = found.state === 'valid' ? 'unknown' : found.state;
  return showLinkProblem(c, { purpose: 'confirm', state, mailboxState: found.mailbox?.state });
}

/** What the page after a confirmation shows. */
const ConfirmResult = z.object({
  address: z.string().max(320),
  kind: z.string().max(40),
  authorityName: z.string().max(300),
  reconfirming: z.boolean(),
  handoverDueAt: z.string().datetime().nullable(),
});

export function confirmPageRoutes() {
  const router = new Hono<AppEnv>();

  // Registered before /confirm/:token, which would otherwise also match "done".
  router.get('/confirm/done', (c) => {
    const result = resultOf(c, ConfirmResult);
    if (!result) return showLinkProblem(c, { purpose: 'confirm', state: 'unknown' });
    const props = { ...result, handoverDueAt: result.handoverDueAt ? new Date(result.handoverDueAt) : null };
    const title = props.handoverDueAt ? 'Address confirmed' : 'Mailbox confirmed';
    return renderPage(c, { title }, <ConfirmedPage {...props} />);
  });

  router.get('/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const found = await inspectConfirmation(c.var.deps, token);
    if (found.state !== 'valid' || !found.mailbox) return showProblem(c, found);
    const props = {
      token,
      address: found.mailbox.address,
      kind: found.mailbox.kind,
      authorityName: found.authorityName ?? found.mailbox.authorityCode,
      reconfirming: found.mailbox.state === 'confirmed',
    };
    return renderPage(c, { title: confirmTitle(props) }, <ConfirmPage {...props} />);
  });

  router.post('/confirm/:token', async (c) => {
    const found = await confirmMailbox(c.var.deps, c.req.param('token'), c.var.clientIp);
    if (!wantsHtml(c)) {
      const status = found.state === 'valid' ? 200 : linkProblemStatus(found.state);
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          state: found.state,
          mailbox: found.mailbox ? { id: found.mailbox.id, state: found.mailbox.state } : null,
        },
        status,
      );
    }
    if (found.state !== 'valid' || !found.mailbox) return showProblem(c, found);
    const props = {
      address: found.mailbox.address,
      kind: found.mailbox.kind,
      authorityName: found.authorityName ?? found.mailbox.authorityCode,
      reconfirming: false,
      handoverDueAt: found.mailbox.state === 'awaiting-handover' ? found.mailbox.handoverDueAt : null,
    };
    // Post/redirect/get: the result page can be refreshed (the link itself is spent).
    return redirectWithResult(c, '/confirm/done', {
      ...props,
      handoverDueAt: props.handoverDueAt ? new Date(props.handoverDueAt).toISOString() : null,
    });
  });

  return router;
}
