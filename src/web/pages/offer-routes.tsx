// GET and POST /offers/:token: the link e-mailed to a council's confirmed mailbox when the council is being
// replaced, asking whether it will serve the successor. The signed offer id in the link is the proof, so
// these forms carry no CSRF field (middleware/csrf.ts); an offer answers once.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { answerOffer, inspectOffer } from '../../features/reorganisation/carry-forward.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { wantsHtml } from '../negotiate.js';
import { OfferAnsweredPage, OfferLinkProblemPage, OfferPage, offerTitle } from './offer.js';
import { formFields, renderPage } from './render.js';

const answerSchema = z.enum(['accept', 'decline']);

/** What the page after an answer shows (post/redirect/get). */
const OfferResult = z.object({
  state: z.enum(['accepted', 'declined']),
  address: z.string().max(320),
  successorName: z.string().max(300),
});

export function offerPageRoutes() {
  const router = new Hono<AppEnv>();

  // Registered before /offers/:token, which would otherwise also match "done".
  router.get('/offers/done', (c) => {
    const result = resultOf(c, OfferResult);
    if (!result)
      return renderPage(c, { title: 'This link does not work', status: 404 }, <OfferLinkProblemPage />);
    return renderPage(
      c,
      { title: result.state === 'accepted' ? 'Mailbox carried forward' : 'Answer recorded' },
      <OfferAnsweredPage {...result} />,
    );
  });

  router.get('/offers/:token', async (c) => {
    const token = c.req.param('token');
    const found = await inspectOffer(c.var.deps, token);
    if (found.state === 'unknown')
      return renderPage(c, { title: 'This link does not work', status: 404 }, <OfferLinkProblemPage />);
    const { offer } = found;
    if (found.state === 'answered')
      return renderPage(
        c,
        { title: 'Already answered' },
        <OfferAnsweredPage
          state={offer.state === 'accepted' ? 'accepted' : 'declined'}
          address={offer.address}
          successorName={offer.successorName}
        />,
      );
    const props = {
      token,
      address: offer.address,
      predecessorName: offer.predecessorName,
      successorName: offer.successorName,
    };
    return renderPage(c, { title: offerTitle(props) }, <OfferPage {...props} />);
  });

  router.post('/offers/:token', async (c) => {
    const token = c.req.param('token');
    const raw = c.req.header('content-type')?.startsWith('application/json')
      ? ((await c.req.json().catch(() => ({}))) as { answer?: unknown }).answer
      : (await formFields(c))('answer');
    const parsed = answerSchema.safeParse(raw);
    if (!parsed.success)
      throw new AppError('validation_failed', 'Give an answer: "accept" or "decline".', {
        errors: [{ path: 'answer', message: 'Choose accept or decline' }],
      });
    const found = await answerOffer(c.var.deps, token, parsed.data, c.var.clientIp);
    if (!wantsHtml(c)) {
      c.header('Cache-Control', 'no-store');
      if (found.state === 'unknown') throw new AppError('not_found', 'This link does not work.');
      return c.json({ state: found.offer.state, successor: found.offer.successorCode }, 200);
    }
    if (found.state === 'unknown')
      return renderPage(c, { title: 'This link does not work', status: 404 }, <OfferLinkProblemPage />);
    // Post/redirect/get: the answer page can be refreshed without answering again.
    return redirectWithResult(c, '/offers/done', {
      state: found.offer.state === 'accepted' ? 'accepted' : 'declined',
      address: found.offer.address,
      successorName: found.offer.successorName,
    } satisfies z.input<typeof OfferResult>);
  });

  return router;
}
