// GET and POST /genuine: anyone checks an e-mail (uploaded .eml or pasted) or an advisory reference, with
// the API's own verbs (features/genuine/check.ts) and limits; the answer is shown after a redirect
// (GET /genuine/result), so refreshing it checks nothing again. Works without JavaScript.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { anonymousPrincipal } from '../../domain/principal.js';
import { checkReceivedMessage, checkReceivedReference } from '../../features/genuine/check.js';
import { referenceSchema } from '../../features/genuine/schemas.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import {
  GenuineAnswer,
  GenuineForm,
  GenuineResult,
  type GenuineResultValue,
  genuineTitle,
} from './genuine.js';
import { pageError, renderPage } from './render.js';

interface FormState {
  errors: Record<string, string>;
  message: string;
  reference: string;
  problem?: string;
}

function showForm(c: Context<AppEnv>, state: FormState, status: 200 | 413 | 422 | 429 = 200) {
  const hasErrors = Object.keys(state.errors).length > 0 || Boolean(state.problem);
  return renderPage(
    c,
    { title: genuineTitle, hasErrors, status: hasErrors && status === 200 ? 422 : status },
    <GenuineForm csrf={csrfToken(c)} {...state} />,
  );
}

export function genuinePageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/genuine', (c) => showForm(c, { errors: {}, message: '', reference: '' }));

  router.get('/genuine/result', (c) => {
    const result = resultOf(c, GenuineResult);
    if (!result) return c.redirect('/genuine', 303);
    return renderPage(c, { title: genuineTitle }, <GenuineAnswer result={result} />);
  });

  router.post('/genuine', async (c) => {
    const deps = c.var.deps;
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const state: FormState = { errors: {}, message: text('message'), reference: text('reference') };
    const requester = {
      principal: c.var.principal ?? anonymousPrincipal(c.var.clientIp),
      ip: c.var.clientIp,
    };
    try {
      let result: GenuineResultValue;
      if (text('check') === 'reference') {
        const parsed = referenceSchema.safeParse(state.reference);
        if (!parsed.success) {
          state.errors.reference = parsed.error.issues[0]?.message ?? 'Enter the advisory reference';
          return showForm(c, state);
        }
        const answer = await checkReceivedReference(deps, requester, parsed.data);
        result = { kind: 'reference', ...answer };
      } else {
        const file = form.file;
        const upload =
          file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null;
        const bytes = upload ?? new TextEncoder().encode(state.message.trim() ? state.message : '');
        if (bytes.byteLength === 0) {
          state.errors.file = 'Upload the e-mail, or paste the whole message below';
          return showForm(c, state);
        }
        const field = upload ? 'file' : 'message';
        try {
          const answer = await checkReceivedMessage(deps, requester, bytes);
          result = { kind: 'message', ...answer };
        } catch (err) {
          const known = pageError(err, ['bad_request', 'payload_too_large']);
          if (!known) throw err;
          state.errors[field] =
            known.code === 'payload_too_large'
              ? 'The e-mail must be smaller than 1 MB'
              : 'This does not look like a whole e-mail: include its headers (use “Show original” or save it as a file)';
          if (upload) state.message = '';
          return showForm(c, state, known.code === 'payload_too_large' ? 413 : 422);
        }
      }
      return redirectWithResult(c, '/genuine/result', result);
    } catch (err) {
      const known = pageError(err, ['rate_limited']);
      if (!known) throw err;
      c.header('Retry-After', String(known.extra?.retryAfter ?? 3600));
      return showForm(c, { ...state, problem: known.message }, 429);
    }
  });

  return router;
}
