// The account page's out-of-hours mobiles: add (a code is texted), type the code, text a new code, remove.
// The verbs decide what a session may change (its own council's numbers); these pages only ask and show.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import {
  addMobile,
  confirmMobile,
  getMobile,
  retireMobile,
  sendNewCode,
} from '../../features/mobiles/manage-mobiles.js';
import { NewMobileInput } from '../../features/mobiles/routes.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult } from '../flash.js';
import {
  AddMobileForm,
  addMobileTitle,
  codeTitle,
  MobileCodeForm,
  RemoveMobilePage,
  removeMobileTitle,
} from './mobile-pages.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

const shown: AppError['code'][] = [
  'not_found',
  'conflict',
  'rate_limited',
  'forbidden',
  'validation_failed',
  'unavailable',
];

function showAddForm(
  c: Context<AppEnv>,
  values: { number: string; label: string },
  errors: Record<string, string>,
  status = 422,
) {
  return renderPage(
    c,
    {
      title: addMobileTitle,
      hasErrors: Object.keys(errors).length > 0,
      status: Object.keys(errors).length ? (status as 422) : 200,
    },
    <AddMobileForm csrf={csrfToken(c)} values={values} errors={errors} />,
  );
}

/** Field errors of a refused action, by field (the whole problem under `fallback` when it names none). */
function fieldErrors(err: AppError, fallback: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of err.errors ?? []) out[e.path] ??= e.message;
  if (Object.keys(out).length === 0) out[fallback] = err.message;
  return out;
}

export function mobilePageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/account/mobiles/new', (c) => showAddForm(c, { number: '', label: '' }, {}));

  router.post('/account/mobiles', async (c) => {
    const field = await formFields(c);
    const values = { number: field('number'), label: field('label') };
    const parsed = NewMobileInput.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'number')] ??= issue.message;
      return showAddForm(c, values, errors);
    }
    const code = requirePrincipal(c).authorityCode ?? '';
    const added = await orPageError(shown, addMobile(c.var.deps, actorOf(c), code, parsed.data));
    if (added instanceof AppError)
      return showAddForm(c, values, fieldErrors(added, 'number'), statusOf(added));
    return c.redirect(`/account/mobiles/${added.id}/code`, 303);
  });

  router.get('/account/mobiles/:id/code', async (c) => {
    const mobile = await getMobile(c.var.deps, requirePrincipal(c), c.req.param('id'));
    if (mobile.state !== 'pending') return c.redirect('/account', 303);
    return renderPage(
      c,
      { title: codeTitle(mobile.display) },
      <MobileCodeForm csrf={csrfToken(c)} mobile={mobile} />,
    );
  });

  router.post('/account/mobiles/:id/code', async (c) => {
    const id = c.req.param('id');
    const typed = (await formFields(c))('code');
    const done = await orPageError(shown, confirmMobile(c.var.deps, actorOf(c), id, typed));
    if (done instanceof AppError) {
      const mobile = await getMobile(c.var.deps, requirePrincipal(c), id);
      const errors = fieldErrors(done, 'code');
      return renderPage(
        c,
        { title: codeTitle(mobile.display), hasErrors: true, status: statusOf(done) },
        <MobileCodeForm csrf={csrfToken(c)} mobile={mobile} error={errors.code ?? done.message} />,
      );
    }
    return redirectWithResult(c, '/account', {
      done: `${done.mobile.display} is confirmed: we will text it when an urgent advisory is waiting`,
    });
  });

  router.post('/account/mobiles/:id/resend', async (c) => {
    const id = c.req.param('id');
    const sent = await orPageError(shown, sendNewCode(c.var.deps, actorOf(c), id));
    if (sent instanceof AppError) {
      const mobile = await getMobile(c.var.deps, requirePrincipal(c), id);
      return renderPage(
        c,
        { title: codeTitle(mobile.display), hasErrors: true, status: statusOf(sent) },
        <MobileCodeForm csrf={csrfToken(c)} mobile={mobile} error={sent.message} />,
      );
    }
    return c.redirect(`/account/mobiles/${id}/code`, 303);
  });

  router.get('/account/mobiles/:id/remove', async (c) => {
    const mobile = await getMobile(c.var.deps, requirePrincipal(c), c.req.param('id'));
    return renderPage(
      c,
      { title: removeMobileTitle(mobile.display) },
      <RemoveMobilePage csrf={csrfToken(c)} mobile={mobile} />,
    );
  });

  router.post('/account/mobiles/:id/remove', async (c) => {
    const removed = await retireMobile(
      c.var.deps,
      actorOf(c),
      c.req.param('id'),
      'removed on the council’s account page',
    );
    return redirectWithResult(c, '/account', { done: `${removed.display} has been removed` });
  });

  return router;
}
