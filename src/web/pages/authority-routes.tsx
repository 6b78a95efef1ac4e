// GET /authorities/:code (staff their scope, a council its own) and what staff do there: send a
// confirmation again, remove a mailbox (through a check page), check its domains now and add a mail domain
// (admins). Every action posts, then goes back to the page (post/redirect/get) with what it did; the verbs
// decide scope and rules, the page only shows their refusals in its error summary.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { addAuthorityDomain } from '../../features/authority-register/authority-domains.js';
import { authorityProfile } from '../../features/coverage/authority-profile.js';
import { keysOfMailboxes } from '../../features/mailbox-keys/manage-keys.js';
import {
  findVisibleMailbox,
  resendConfirmation,
  retireMailbox,
} from '../../features/mailboxes/manage-mailbox.js';
import { checkDomainNow } from '../../features/reachability/check-now.js';
import { offersTo } from '../../features/reorganisation/carry-forward.js';
import { csrfToken } from '../../middleware/csrf.js';
import type { SummaryError } from '../components/error-summary.js';
import { RemoveMailboxPage, removeTitle } from './account.js';
import { AuthorityPage } from './authority-page.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

const doneWords: Record<string, string> = {
  resent: 'The confirmation link has been sent again.',
  removed: 'The mailbox has been removed.',
  checked: 'Its domains have been checked: the results are below.',
  domain: 'The domain has been added.',
};

async function showAuthority(
  c: Context<AppEnv>,
  code: string,
  outcome: { error?: AppError; field?: string; typedDomain?: string } = {},
) {
  const principal = requirePrincipal(c);
  const profile = await authorityProfile(c.var.deps, principal, code);
  const staff = principal.role === 'admin' || principal.role === 'warp';
  // The predecessors' mailboxes offered to it are other councils' addresses: staff only.
  const offers = staff ? await offersTo(c.var.deps, [profile.authority.code]) : [];
  // The profile is already scoped (404 for a council that is not this one, a WARP it is not in).
  const keys = await keysOfMailboxes(
    c.var.deps,
    profile.mailboxes.map((m) => m.id),
  );
  const errors: SummaryError[] = outcome.error
    ? [{ field: outcome.field ?? 'mailboxes', text: outcome.error.message }]
    : [];
  return renderPage(
    c,
    {
      title: profile.authority.name,
      hasErrors: errors.length > 0,
      status: outcome.error ? statusOf(outcome.error) : 200,
    },
    <AuthorityPage
      profile={profile}
      offers={offers}
      linkAdvisories={staff}
      actions={staff ? { csrf: csrfToken(c), mailboxes: true, admin: principal.role === 'admin' } : undefined}
      done={doneWords[c.req.query('done') ?? '']}
      errors={errors}
      typedDomain={outcome.typedDomain}
      keys={keys}
    />,
  );
}

const shown: AppError['code'][] = ['not_found', 'conflict', 'rate_limited', 'forbidden', 'validation_failed'];

export function authorityPageRoutes() {
  const router = new Hono<AppEnv>();
  const back = (code: string, done: string) => `/authorities/${encodeURIComponent(code)}?done=${done}`;

  router.get('/authorities/:code', (c) => showAuthority(c, c.req.param('code')));

  router.post('/authorities/:code/mailboxes/:id/resend', async (c) => {
    const code = c.req.param('code');
    const sent = await orPageError(shown, resendConfirmation(c.var.deps, actorOf(c), c.req.param('id')));
    if (sent instanceof AppError) return showAuthority(c, code, { error: sent });
    return c.redirect(back(code, 'resent'), 303);
  });

  router.get('/authorities/:code/mailboxes/:id/retire', async (c) => {
    const code = c.req.param('code');
    const mailbox = await orPageError(
      shown,
      findVisibleMailbox(c.var.deps, requirePrincipal(c), c.req.param('id')),
    );
    if (mailbox instanceof AppError) return showAuthority(c, code, { error: mailbox });
    const path = `/authorities/${encodeURIComponent(code)}`;
    return renderPage(
      c,
      { title: removeTitle(mailbox.address) },
      <RemoveMailboxPage
        csrf={csrfToken(c)}
        mailbox={mailbox}
        back={path}
        action={`${path}/mailboxes/${mailbox.id}/retire`}
      />,
    );
  });

  router.post('/authorities/:code/mailboxes/:id/retire', async (c) => {
    const code = c.req.param('code');
    const reason = `removed by ${requirePrincipal(c).label} on the authority’s page`;
    const retired = await orPageError(
      shown,
      retireMailbox(c.var.deps, actorOf(c), c.req.param('id'), reason),
    );
    if (retired instanceof AppError) return showAuthority(c, code, { error: retired });
    return c.redirect(back(code, 'removed'), 303);
  });

  router.post('/authorities/:code/checks', async (c) => {
    const code = c.req.param('code');
    const profile = await authorityProfile(c.var.deps, requirePrincipal(c), code);
    for (const { domain } of profile.checks) {
      const run = await orPageError(shown, checkDomainNow(c.var.deps, actorOf(c), domain));
      if (run instanceof AppError) return showAuthority(c, code, { error: run, field: 'checks' });
    }
    return c.redirect(`${back(code, 'checked')}#checks`, 303);
  });

  router.post('/authorities/:code/domains', async (c) => {
    const code = c.req.param('code');
    const domain = (await formFields(c))('domain').trim();
    if (!domain)
      return showAuthority(c, code, {
        error: new AppError('validation_failed', 'Enter a domain, like cardiff.gov.uk'),
        field: 'domain',
      });
    const added = await orPageError(shown, addAuthorityDomain(c.var.deps, actorOf(c), { code, domain }));
    if (added instanceof AppError)
      return showAuthority(c, code, { error: added, field: 'domain', typedDomain: domain });
    return c.redirect(back(code, 'domain'), 303);
  });

  return router;
}
