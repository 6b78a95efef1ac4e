// The link in a text about an urgent advisory: GET shows it (no change: link previews fetch it), POST
// acknowledges for the council. The signed token is the proof, so the form carries no CSRF field.
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { acknowledgeBySms, inspectSmsLink } from '../../features/advisories/sms-acknowledge.js';
import { wantsHtml } from '../negotiate.js';
import { AckNotFound, ackNotFoundTitle } from './ack.js';
import { renderPage } from './render.js';
import { SmsAckedPage, SmsAckPage, SmsNoCopyPage, smsAckTitle } from './sms-ack.js';

export function smsAckPages() {
  const router = new Hono<AppEnv>();

  router.get('/s/:token', async (c) => {
    const token = c.req.param('token');
    const view = await inspectSmsLink(c.var.deps, token);
    if (!view) return renderPage(c, { title: ackNotFoundTitle, status: 404 }, <AckNotFound />);
    c.header('Cache-Control', 'no-store');
    if (view.acknowledgedAt)
      return renderPage(c, { title: 'Already acknowledged' }, <SmsAckedPage view={view} already />);
    return renderPage(c, { title: smsAckTitle(view) }, <SmsAckPage view={view} token={token} />);
  });

  router.post('/s/:token', async (c) => {
    const outcome = await acknowledgeBySms(c.var.deps, c.req.param('token'), {
      requestId: c.var.requestId,
      ip: c.var.clientIp,
    });
    const html = wantsHtml(c);
    c.header('Cache-Control', 'no-store');
    if (outcome.state === 'unknown') {
      if (html) return renderPage(c, { title: ackNotFoundTitle, status: 404 }, <AckNotFound />);
      throw new AppError('not_found', 'This link is not recognised.');
    }
    if (outcome.state === 'no-copy') {
      if (html)
        return renderPage(
          c,
          { title: 'We could not record it', status: 409 },
          <SmsNoCopyPage view={outcome.view} />,
        );
      throw new AppError('conflict', 'There is no copy of this advisory for the council to acknowledge.');
    }
    const already = outcome.state === 'already';
    if (html)
      return renderPage(
        c,
        { title: already ? 'Already acknowledged' : 'Advisory acknowledged' },
        <SmsAckedPage view={outcome.view} already={already} />,
      );
    return c.json(
      {
        acknowledgedAt: outcome.view.acknowledgedAt?.toISOString() ?? null,
        acknowledgedBy: outcome.view.acknowledgedBy,
        alreadyAcknowledged: already,
        advisory: outcome.view.advisory.reference,
        authority: outcome.view.authority.code,
      },
      200,
    );
  });

  return router;
}
