// Release, approve and cancel from the pages: GET shows the check page (what exactly will happen), POST does
// it and goes back to the advisory; an admin's "resume sending" after a pause posts straight from the banner.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { accessTo } from '../../features/advisories/advisory-scope.js';
import { listDeliveries } from '../../features/advisories/delivery-list.js';
import { previewAdvisory } from '../../features/advisories/preview-advisory.js';
import { approveAdvisory, cancelAdvisory, releaseAdvisory } from '../../features/advisories/release.js';
import { advisoryTransitions } from '../../features/advisories/transitions.js';
import { wroteOrReleased } from '../../features/advisories/two-person.js';
import { advisoryViewFor } from '../../features/advisories/view.js';
import { describeActor } from '../../features/auth/people.js';
import { registerFacets } from '../../features/authority-register/register-facets.js';
import { resumeByAdmin } from '../../features/outbound/sender-state.js';
import { csrfToken } from '../../middleware/csrf.js';
import { type CheckAction, CheckPage, checkTitles } from './advisory-check.js';
import { showAdvisory } from './advisory-routes.js';
import { formFields, renderPage } from './render.js';

/** Why the action cannot be taken now, or null. */
function refusal(action: CheckAction, state: string): string | null {
  if (action === 'release' && state !== 'draft') return 'Only a draft can be released.';
  if (action === 'approve' && state !== 'awaiting-approval') return 'It is not waiting for approval.';
  if (action === 'cancel' && !advisoryTransitions.can(state as never, 'cancel'))
    return state === 'sent'
      ? 'It has been sent to everyone: send a cancellation notice (an update) instead.'
      : 'It is already cancelled.';
  return null;
}

async function showCheck(c: Context<AppEnv>, action: CheckAction, id: string, error?: string) {
  const deps = c.var.deps;
  const principal = requirePrincipal(c);
  const access = await accessTo(deps, principal, id);
  if (!access.author)
    throw new AppError('not_found', `There is no advisory with id "${id}" that you can manage.`);
  const advisory = advisoryViewFor(principal, access.advisory, access.content);
  const refused = refusal(action, advisory.state);
  if (refused) return showAdvisory(c, id, { error: refused, status: 409 });
  if (action === 'approve' && (await wroteOrReleased(deps, principal.actor, advisory)))
    return showAdvisory(c, id, {
      error: 'You wrote or released it: a second administrator must approve it.',
      status: 403,
    });
  const [preview, facets, releasedBy, list] = await Promise.all([
    action === 'cancel' ? undefined : previewAdvisory(deps, principal, id),
    registerFacets(deps),
    action === 'approve' ? describeActor(deps, advisory.releasedBy) : undefined,
    action === 'cancel' && advisory.state === 'sending'
      ? listDeliveries(deps, principal, id, { limit: 1 })
      : undefined,
  ]);
  return renderPage(
    c,
    { title: checkTitles[action], hasErrors: !!error, status: error ? 409 : 200 },
    <CheckPage
      action={action}
      advisory={advisory}
      preview={preview}
      releasedBy={releasedBy}
      counts={list && { notYetSent: list.counts.trying, delivered: list.counts.delivered }}
      warpNames={new Map(facets.warps.map((w) => [w.id, w.name]))}
      csrf={csrfToken(c)}
      error={error}
    />,
  );
}

export function advisoryReleasePages() {
  const router = new Hono<AppEnv>();
  for (const action of ['release', 'approve', 'cancel'] as const)
    router.get(`/advisories/:id/${action}`, (c) => showCheck(c, action, c.req.param('id')));

  for (const verb of ['release', 'approve', 'cancel', 'resume-sending'] as const) {
    router.post(`/advisories/:id/${verb}`, async (c) => {
      const id = c.req.param('id');
      let done: string = verb;
      try {
        if (verb === 'release') {
          const outcome = await releaseAdvisory(c.var.deps, actorOf(c), id);
          if (outcome.state === 'awaiting-approval') done = 'release-waiting';
        } else if (verb === 'approve') await approveAdvisory(c.var.deps, actorOf(c), id);
        else if (verb === 'resume-sending') await resumeByAdmin(c.var.deps, actorOf(c));
        else
          await cancelAdvisory(
            c.var.deps,
            actorOf(c),
            id,
            (await formFields(c))('reason').trim().slice(0, 500) || undefined,
          );
      } catch (err) {
        if (err instanceof AppError && (err.code === 'conflict' || err.code === 'forbidden'))
          return showAdvisory(c, id, { error: err.message, status: err.status === 403 ? 403 : 409 });
        throw err;
      }
      return c.redirect(`/advisories/${id}?done=${done}`, 303);
    });
  }
  return router;
}
