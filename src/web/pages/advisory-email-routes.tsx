// The e-mail before it is sent, for its author: GET /advisories/:id/email shows the subject, sender, the
// HTML part in a sandboxed frame (GET /advisories/:id/email.html, served with a CSP of its own that runs no
// script and loads nothing) and the plain-text part; POST /advisories/:id/send-test sends one copy, marked
// TEST, to the signed-in staff member.
import { Hono } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { previewAdvisoryEmail, sendTestToMe } from '../../features/advisories/advisory-email.js';
import { findOwnAdvisory } from '../../features/advisories/advisory-scope.js';
import { csrfToken } from '../../middleware/csrf.js';
import { PostButton } from '../components/button.js';
import { SummaryList } from '../components/summary-list.js';
import { showAdvisory } from './advisory-routes.js';
import { renderPage } from './render.js';

/** The e-mail's HTML part alone: what the preview's frame shows. Its headers are set in app.ts. */
export const EMAIL_FRAME_PATH = /^\/advisories\/[^/]+\/email\.html$/;

export function advisoryEmailPages() {
  const router = new Hono<AppEnv>();

  router.get('/advisories/:id/email', async (c) => {
    const id = c.req.param('id');
    const principal = requirePrincipal(c);
    const [advisory, email] = await Promise.all([
      findOwnAdvisory(c.var.deps, principal, id),
      previewAdvisoryEmail(c.var.deps, principal, id),
    ]);
    return renderPage(
      c,
      { title: `Preview the e-mail: ${advisory.reference}` },
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-full">
          <a class="govuk-back-link" href={`/advisories/${id}`}>
            Back to the advisory
          </a>
          <span class="govuk-caption-l">{advisory.reference}</span>
          <h1 class="govuk-heading-l">Preview the e-mail</h1>
          <p class="govuk-body">
            This is the message as recipients will see it. Each mailbox’s copy names that mailbox and carries
            a link of its own to acknowledge it.
          </p>
          <SummaryList
            rows={[
              { key: 'From', value: <span class="app-break-words">{email.from}</span> },
              { key: 'To', value: email.recipientLabel },
              { key: 'Subject', value: <span class="app-break-words">{email.subject}</span> },
            ]}
          />
          <PostButton
            action={`/advisories/${id}/send-test`}
            csrf={csrfToken(c)}
            variant="secondary"
            preventDoubleClick
          >
            Send a test to me
          </PostButton>
          <h2 class="govuk-heading-m">As most people see it (HTML)</h2>
          <iframe
            class="app-email-frame"
            src={`/advisories/${id}/email.html`}
            title={`The e-mail ${advisory.reference} as HTML`}
            sandbox=""
            loading="lazy"
          />
          <h2 class="govuk-heading-m">As plain text</h2>
          <pre class="app-pre" id="email-text">
            {email.text}
          </pre>
        </div>
      </div>,
    );
  });

  router.get('/advisories/:id/email.html', async (c) => {
    const email = await previewAdvisoryEmail(c.var.deps, requirePrincipal(c), c.req.param('id'));
    c.header('Cache-Control', 'no-store');
    return c.html(email.html);
  });

  router.post('/advisories/:id/send-test', async (c) => {
    const id = c.req.param('id');
    try {
      await sendTestToMe(c.var.deps, actorOf(c), id);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'conflict' || err.code === 'rate_limited'))
        return showAdvisory(c, id, { error: err.message, status: err.status === 429 ? 429 : 409 });
      throw err;
    }
    return c.redirect(`/advisories/${id}?done=test`, 303);
  });

  return router;
}
