// GET and POST /register: the registration form, validated with the API's own schema and verb.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../../deps.js';
import { checkAddress } from '../../domain/mailbox-address.js';
import { anonymousPrincipal } from '../../domain/principal.js';
import { currentAuthorityNames, findAuthority } from '../../features/authority-register/get-authority.js';
import { type CouncilChoice, resolveCouncil } from '../../features/authority-register/resolve-council.js';
import { acceptAnonymousRegistration, registerMailbox } from '../../features/mailboxes/register-mailbox.js';
import { MailboxRegistration } from '../../features/mailboxes/schemas.js';
import { MAIL_UNAVAILABLE_ON_PAGES } from '../../features/outbound/mail-available.js';
import { inBackground } from '../../lib/background.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { RegisterDone, registerDoneTitle } from './mailbox-registration-done.js';
import {
  emptyRegisterValues,
  RegisterForm,
  type RegisterValues,
  registerTitle,
} from './mailbox-registration-form.js';
import { formFields, pageError, renderPage } from './render.js';

/** The council a council session is locked to; null for everyone else. */
async function lockedCouncil(c: Context<AppEnv>): Promise<CouncilChoice | null> {
  const principal = c.var.principal;
  if (principal?.role !== 'council' || !principal.authorityCode) return null;
  const row = await findAuthority(c.var.deps, principal.authorityCode);
  return { code: principal.authorityCode, name: row?.name ?? principal.authorityCode };
}

async function showForm(
  c: Context<AppEnv>,
  values: RegisterValues,
  errors: Record<string, string> = {},
  choices: CouncilChoice[] = [],
  locked: CouncilChoice | null = null,
) {
  const hasErrors = Object.keys(errors).length > 0;
  const councilNames = locked ? [] : await currentAuthorityNames(c.var.deps);
  return renderPage(
    c,
    { title: registerTitle, hasErrors, status: hasErrors ? 422 : 200 },
    <RegisterForm
      csrf={csrfToken(c)}
      values={values}
      errors={errors}
      choices={choices}
      locked={locked}
      councilNames={councilNames}
    />,
  );
}

/** Where an error about a schema or verb field is shown on this form. */
function fieldFor(path: string, choosing: boolean): string {
  if (path === 'authority') return choosing ? 'authority' : 'council';
  return path;
}

/** What the result page of a registration shows. */
const RegisterResult = z.object({
  state: z.string().max(40),
  address: z.string().max(320),
  authorityName: z.string().max(300),
  warnings: z.array(z.string().max(1000)).max(10),
  signedIn: z.boolean(),
});

export function registerPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/register', async (c) => showForm(c, emptyRegisterValues, {}, [], await lockedCouncil(c)));

  router.get('/register/done', (c) => {
    const result = resultOf(c, RegisterResult);
    // Nothing to show (the result expired, or the page was opened directly): the form again.
    if (!result) return c.redirect('/register', 303);
    return renderPage(c, { title: registerDoneTitle(result.state) }, <RegisterDone {...result} />);
  });

  router.post('/register', async (c) => {
    const field = await formFields(c);
    const values: RegisterValues = {
      council: field('council'),
      authority: field('authority'),
      address: field('address'),
      kind: field('kind'),
      team: field('team'),
      phone: field('phone'),
    };
    const deps = c.var.deps;
    const locked = await lockedCouncil(c);
    const errors: Record<string, string> = {};
    let choices: CouncilChoice[] = [];
    let authority: CouncilChoice | null = locked;
    if (!authority) {
      const resolved = await resolveCouncil(deps, values.council, values.authority);
      if (resolved.kind === 'one') {
        authority = resolved.authority;
        values.council = resolved.authority.name;
        values.authority = '';
      } else if (resolved.kind === 'many') {
        choices = resolved.choices;
        errors.authority = resolved.message;
      } else {
        errors.council = resolved.message;
      }
    }

    const parsed = MailboxRegistration.safeParse({
      authority: authority?.code ?? '',
      address: values.address,
      kind: values.kind,
      team: values.team,
      phone: values.phone,
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = String(issue.path[0] ?? '');
        if (path === 'authority' && !authority) continue; // the council lookup has said why already
        const id = fieldFor(path, choices.length > 0);
        errors[id] ??= issue.message;
      }
    }
    if (!errors.address) {
      // The verb's own address check, here too so that every field's error shows at once.
      const checked = checkAddress(values.address);
      if (!checked.ok) errors.address = checked.reason;
    }
    if (!parsed.success || !authority || Object.keys(errors).length > 0)
      return showForm(c, values, errors, choices, locked);

    const principal = c.var.principal ?? anonymousPrincipal(c.var.clientIp);
    const actor = { principal, requestId: c.var.requestId, ip: c.var.clientIp };
    try {
      // Someone not signed in gets the same page, as fast, whether or not the address was known: the
      // registration is written and mailed afterwards.
      const result =
        principal.via === 'anonymous'
          ? await (async () => {
              const { answer, work } = await acceptAnonymousRegistration(deps, actor, parsed.data);
              inBackground(c, deps.db, deps.log, 'registration', work());
              return answer;
            })()
          : await registerMailbox(deps, actor, parsed.data);
      // Post/redirect/get: refreshing the result registers nothing again.
      return redirectWithResult(c, '/register/done', {
        state: result.state,
        address: parsed.data.address,
        authorityName: authority.name,
        warnings: result.warnings,
        signedIn: principal.via === 'session',
      } satisfies z.input<typeof RegisterResult>);
    } catch (err) {
      const known = pageError(err, ['validation_failed', 'conflict', 'unavailable']);
      if (!known) throw err;
      if (known.code === 'unavailable') {
        errors.address = MAIL_UNAVAILABLE_ON_PAGES;
      } else if (known.errors?.length) {
        for (const e of known.errors) errors[fieldFor(e.path, false)] ??= e.message;
      } else {
        errors.address = known.message;
      }
      return showForm(c, values, errors, choices, locked);
    }
  });

  return router;
}
