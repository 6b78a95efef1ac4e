// GET and POST /handover/:token: the link sent to a council's confirmed primary mailbox when a new address
// asks to replace it. The secret in the link is the proof, so these forms carry no CSRF field (see the
// exemption in middleware/csrf.ts).
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { answerHandover, type HandoverView, inspectHandover } from '../../features/mailboxes/handover.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { wantsHtml } from '../negotiate.js';
import { HandoverAnsweredPage, HandoverPage, handoverTitle } from './handover.js';
import { linkProblemStatus, showLinkProblem } from './link-problem.js';
import { formFields, renderPage } from './render.js';

const answerSchema = z.enum(['agree', 'refuse']);

function showProblem(c: Context<AppEnv>, found: HandoverView) {
  const state = found.state === 'valid' ? 'unknown' : found.state;
  return showLinkProblem(c, { purpose: 'handover', state, mailboxState: found.mailbox?.state });
}

/** What the page after an answer shows. */
const HandoverResult = z.object({
  answer: z.enum(['agree', 'refuse']),
  authorityName: z.string().max(300),
  currentAddress: z.string().max(320),
  newAddress: z.string().max(320),
});

function pageProps(found: HandoverView & { state: 'valid' }) {
  return {
    authorityName: found.authorityName,
    currentAddress: found.current?.address ?? '',
    newAddress: found.mailbox.address,
  };
}

/** The answer, from the page's form or a JSON body `{ "answer": … }`. */
async function answerOf(c: Context<AppEnv>): Promise<unknown> {
  if (c.req.header('content-type')?.startsWith('application/json')) {
    const body: unknown = await c.req.json().catch(() => null);
    return body && typeof body === 'object' && 'answer' in body ? body.answer : undefined;
  }
  return (await formFields(c))('answer');
}

export function handoverPageRoutes() {
  const router = new Hono<AppEnv>();

  // Registered before /handover/:token, which would otherwise also match "done".
  router.get('/handover/done', (c) => {
    const result = resultOf(c, HandoverResult);
    if (!result) return showLinkProblem(c, { purpose: 'handover', state: 'unknown' });
    const title = result.answer === 'agree' ? 'Primary mailbox changed' : 'Change refused';
    return renderPage(c, { title }, <HandoverAnsweredPage {...result} />);
  });

  router.get('/handover/:token', async (c) => {
    const token = c.req.param('token');
    const found = await inspectHandover(c.var.deps, token);
    if (found.state !== 'valid') return showProblem(c, found);
    const props = { token, ...pageProps(found), dueAt: found.mailbox.handoverDueAt };
    return renderPage(c, { title: handoverTitle(props) }, <HandoverPage {...props} />);
  });

  router.post('/handover/:token', async (c) => {
    const token = c.req.param('token');
    const parsed = answerSchema.safeParse(await answerOf(c));
    if (!parsed.success && !wantsHtml(c))
      throw new AppError('validation_failed', 'Give an answer: "agree" or "refuse".', {
        errors: [{ path: 'answer', message: 'Choose agree or refuse' }],
      });
    if (!parsed.success) {
      // Only a hand-made request gets here: the page's two forms each carry an answer.
      const found = await inspectHandover(c.var.deps, token);
      if (found.state !== 'valid') return showProblem(c, found);
      const props = { token, ...pageProps(found), dueAt: found.mailbox.handoverDueAt };
      return renderPage(c, { title: handoverTitle(props), status: 422 }, <HandoverPage {...props} />);
    }
    const found = await answerHandover(c.var.deps, token, parsed.data, c.var.clientIp);
    if (!wantsHtml(c)) {
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          state: found.state,
          mailbox: found.mailbox ? { id: found.mailbox.id, state: found.mailbox.state } : null,
        },
        found.state === 'valid' ? 200 : linkProblemStatus(found.state),
      );
    }
    if (found.state !== 'valid') return showProblem(c, found);
    // Post/redirect/get: the answer page can be refreshed without answering again.
    return redirectWithResult(c, '/handover/done', { answer: parsed.data, ...pageProps(found) });
  });

  return router;
}
