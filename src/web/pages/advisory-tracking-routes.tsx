// Pages for following an advisory without signing in: the acknowledgement link (GET shows, POST records;
// the signed token is the proof, so the form carries no CSRF field) and the public TLP:CLEAR advisory page.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import {
  type AckView,
  acknowledgeDelivery,
  cleanAcknowledgerName,
  inspectAcknowledgement,
  MAX_ACK_NAME_LENGTH,
} from '../../features/advisories/ack-delivery.js';
import { findPublicAdvisory, publicHeadline } from '../../features/advisories/feed-entries.js';
import { wantsHtml } from '../negotiate.js';
import { AckedPage, AckNotFound, AckPage, ackedTitle, ackNotFoundTitle, ackTitle } from './ack.js';
import { PublicAdvisoryPage } from './public-advisory.js';
import { formFields, renderPage } from './render.js';

function ackAdvisory(view: AckView) {
  return {
    reference: view.advisory.reference,
    title: view.advisory.title,
    tlp: view.advisory.tlp,
    recipient: view.authority?.name ?? view.address,
  };
}

function showNotFound(c: Context<AppEnv>) {
  return renderPage(c, { title: ackNotFoundTitle, status: 404 }, <AckNotFound />);
}

function showAcked(c: Context<AppEnv>, view: AckView, already: boolean) {
  const props = {
    ...ackAdvisory(view),
    acknowledgedAt: view.acknowledgedAt!,
    acknowledgedBy: view.acknowledgedBy ?? '',
    already,
  };
  return renderPage(c, { title: ackedTitle(props) }, <AckedPage {...props} />);
}

export function advisoryTrackingPages() {
  const router = new Hono<AppEnv>();

  router.get('/ack/:token', async (c) => {
    const token = c.req.param('token');
    const view = await inspectAcknowledgement(c.var.deps, token);
    if (!view) return showNotFound(c);
    if (view.acknowledgedAt) return showAcked(c, view, true);
    const props = { token, ...ackAdvisory(view) };
    return renderPage(c, { title: ackTitle(props) }, <AckPage {...props} />);
  });

  router.post('/ack/:token', async (c) => {
    const token = c.req.param('token');
    const html = wantsHtml(c);
    const field = await formFields(c);
    const name = cleanAcknowledgerName(field('name'));
    if (html && name.length > MAX_ACK_NAME_LENGTH) {
      const view = await inspectAcknowledgement(c.var.deps, token);
      if (!view) return showNotFound(c);
      if (view.acknowledgedAt) return showAcked(c, view, true);
      const props = {
        token,
        ...ackAdvisory(view),
        name,
        error: `Your name or team must be ${MAX_ACK_NAME_LENGTH} characters or fewer`,
      };
      return renderPage(c, { title: ackTitle(props), hasErrors: true, status: 422 }, <AckPage {...props} />);
    }
    const outcome = await acknowledgeDelivery(c.var.deps, token, {
      name,
      requestId: c.var.requestId,
      ip: c.var.clientIp,
    });
    if (outcome.state === 'unknown') {
      if (html) return showNotFound(c);
      throw new AppError('not_found', 'This acknowledgement link is not recognised.');
    }
    const { view } = outcome;
    if (html) return showAcked(c, view, outcome.state === 'already');
    c.header('Cache-Control', 'no-store');
    return c.json(
      {
        acknowledgedAt: view.acknowledgedAt!.toISOString(),
        acknowledgedBy: view.acknowledgedBy,
        alreadyAcknowledged: outcome.state === 'already',
        advisory: view.advisory.reference,
        authority: view.authority?.code ?? null,
      },
      200,
    );
  });

  router.get('/advisories/public/:reference', async (c) => {
    const advisory = await findPublicAdvisory(c.var.deps, c.req.param('reference'));
    if (!advisory) throw new AppError('not_found', 'There is no public advisory with that reference.');
    return renderPage(c, { title: publicHeadline(advisory) }, <PublicAdvisoryPage {...advisory} />);
  });

  return router;
}
