// The release, approve and cancel forms of an advisory's page, and an admin's "resume sending" after a
// pause: call the verb, then back to the page.
import { Hono } from 'hono';
import { actorOf } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { approveAdvisory, cancelAdvisory, releaseAdvisory } from '../../features/advisories/release.js';
import { resumeByAdmin } from '../../features/outbound/sender-state.js';
import { showAdvisory } from './advisory-routes.js';
import { formFields } from './render.js';

export function advisoryReleasePages() {
  const router = new Hono<AppEnv>();
  for (const verb of ['release', 'approve', 'cancel', 'resume-sending'] as const) {
    router.post(`/advisories/:id/${verb}`, async (c) => {
      const id = c.req.param('id');
      try {
        if (verb === 'release') await releaseAdvisory(c.var.deps, actorOf(c), id);
        else if (verb === 'approve') await approveAdvisory(c.var.deps, actorOf(c), id);
        else if (verb === 'resume-sending') await resumeByAdmin(c.var.deps, actorOf(c));
        else
          await cancelAdvisory(
            c.var.deps,
            actorOf(c),
            id,
            (await formFields(c))('reason').trim() || undefined,
          );
      } catch (err) {
        if (err instanceof AppError && (err.code === 'conflict' || err.code === 'forbidden'))
          return showAdvisory(c, id, { error: err.message, status: err.status === 403 ? 403 : 409 });
        throw err;
      }
      return c.redirect(`/advisories/${id}?done=${verb}`, 303);
    });
  }
  return router;
}
