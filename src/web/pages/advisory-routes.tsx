// GET /advisories (the list), GET and POST /advisories/new (compose), GET /advisories/:id (one advisory
// with its reach). Staff only, by the policy table; the verbs are the API's own.

import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { advisoryStates } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { accessTo } from '../../features/advisories/advisory-scope.js';
import { createAdvisory } from '../../features/advisories/create-advisory.js';
import { advisoryParent } from '../../features/advisories/get-advisory.js';
import { listAdvisories } from '../../features/advisories/list-advisories.js';
import { previewAdvisory } from '../../features/advisories/preview-advisory.js';
import { AdvisoryInput } from '../../features/advisories/schemas.js';
import { listTestAudiences } from '../../features/advisories/test-audiences.js';
import { advisoryViewFor } from '../../features/advisories/view.js';
import { registerFacets } from '../../features/authority-register/register-facets.js';
import { csrfToken } from '../../middleware/csrf.js';
import {
  AdvisoryForm,
  type AdvisoryFormChoices,
  type AdvisoryFormValues,
  composeTitle,
  emptyAdvisoryValues,
} from './advisory-form.js';
import { type AdvisoryListFilters, AdvisoryListPage, advisoryListTitle } from './advisory-list.js';
import { AdvisoryPage, advisoryPageTitle } from './advisory-page.js';
import { releaseOutcomes } from './advisory-release-outcomes.js';
import { releaseSlots } from './advisory-release-slots.js';
import { pageError, renderPage } from './render.js';

const PAGE_SIZE = 50;

async function formChoices(c: Context<AppEnv>): Promise<AdvisoryFormChoices> {
  const principal = requirePrincipal(c);
  const [facets, testAudiences] = await Promise.all([
    registerFacets(c.var.deps),
    listTestAudiences(c.var.deps, principal),
  ]);
  const ownWarp =
    principal.role === 'warp' ? (facets.warps.find((w) => w.id === principal.warpId) ?? null) : null;
  return {
    nations: facets.nations,
    warps: principal.role === 'admin' ? facets.warps : [],
    types: facets.types.map(({ code, name }) => ({ code, name })),
    testAudiences: testAudiences.map((t) => t.name),
    ownWarp,
  };
}

async function showForm(
  c: Context<AppEnv>,
  values: AdvisoryFormValues,
  errors: Record<string, string> = {},
  status?: ContentfulStatusCode,
) {
  const hasErrors = Object.keys(errors).length > 0;
  return renderPage(
    c,
    { title: composeTitle, hasErrors, status: status ?? (hasErrors ? 422 : 200) },
    <AdvisoryForm csrf={csrfToken(c)} values={values} errors={errors} choices={await formChoices(c)} />,
  );
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const codes = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

/** The form as typed, and the API input it stands for. */
async function readForm(c: Context<AppEnv>) {
  const form = await c.req.parseBody({ all: true });
  const many = (name: string): string[] => {
    const v = form[name];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
      (x): x is string => typeof x === 'string',
    );
  };
  const one = (name: string) => many(name)[0] ?? '';
  const values: AdvisoryFormValues = {
    title: one('title'),
    summary: one('summary'),
    body: one('body'),
    severity: one('severity'),
    tlp: one('tlp'),
    cves: one('cves'),
    references: one('references'),
    all: one('all') === 'yes',
    nations: many('nations'),
    warps: many('warps'),
    types: many('types'),
    authorities: one('authorities'),
    test: one('test') === 'yes',
    testAudience: one('testAudience'),
  };
  const input = {
    title: values.title,
    summary: values.summary,
    body: values.body,
    severity: values.severity || undefined,
    tlp: values.tlp || undefined,
    cves: lines(values.cves),
    references: lines(values.references),
    audience: values.all
      ? { all: true, ...(codes(values.authorities).length && { authorities: codes(values.authorities) }) }
      : {
          nations: values.nations,
          warps: values.warps,
          types: values.types,
          authorities: codes(values.authorities),
        },
    test: values.test,
    // The select only counts in test mode, so choosing one and unticking the box is not an error.
    ...(values.test && values.testAudience && { testAudience: values.testAudience }),
  };
  return { values, input };
}

const audienceFields = new Set(['nations', 'warps', 'types', 'authorities']);

/** Where an error about an input path is shown on the form. */
function fieldFor(path: readonly PropertyKey[]): string {
  const [first, second] = path.map(String);
  if (first === 'audience') return second && audienceFields.has(second) ? second : 'audience';
  return first || 'title';
}

async function composeError(c: Context<AppEnv>, values: AdvisoryFormValues, err: unknown) {
  const known = pageError(err, ['validation_failed', 'forbidden', 'conflict']);
  if (!known) throw err;
  const errors: Record<string, string> = {};
  if (known.errors?.length) {
    for (const e of known.errors) errors[fieldFor(e.path.split('.'))] ??= e.message;
  } else if (known.code === 'forbidden') {
    errors[known.extra?.outside ? 'authorities' : 'audience'] = known.message;
  } else {
    errors.title = known.message;
  }
  return showForm(c, values, errors, known.status as ContentfulStatusCode);
}

export interface AdvisoryPageOutcome {
  /** A confirmation shown at the top (e.g. "Draft saved"). */
  banner?: string;
  /** A refused action (e.g. approving your own advisory), shown at the top of the page. */
  error?: string;
  status?: ContentfulStatusCode;
}

/**
 * Renders GET /advisories/:id for the signed-in staff member; the release forms (advisory-release.tsx) call
 * this to redraw the page with the reason an action was refused.
 */
export async function showAdvisory(c: Context<AppEnv>, id: string, outcome: AdvisoryPageOutcome = {}) {
  const deps = c.var.deps;
  const principal = requirePrincipal(c);
  const access = await accessTo(deps, principal, id);
  const row = access.advisory;
  const [preview, parent, facets] = await Promise.all([
    access.author ? previewAdvisory(deps, principal, id) : undefined,
    access.content ? advisoryParent(deps, row) : null,
    registerFacets(deps),
  ]);
  const advisory = advisoryViewFor(principal, row, access.content);
  const release = await releaseSlots(c, advisory, access.author);
  return renderPage(
    c,
    { title: advisoryPageTitle(advisory), status: outcome.status },
    <AdvisoryPage
      advisory={advisory}
      preview={preview}
      parent={parent}
      warpNames={new Map(facets.warps.map((w) => [w.id, w.name]))}
      banner={outcome.banner}
      error={outcome.error}
      actions={release.actions}
      progress={release.progress}
    />,
  );
}

const pick = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;

export function advisoryPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/advisories', async (c) => {
    const filters: AdvisoryListFilters = {
      state: pick(c.req.query('state'), advisoryStates),
      tlp: pick(c.req.query('tlp'), tlpLabels),
      test: pick(c.req.query('test'), ['true', 'false'] as const),
    };
    const offset = Math.max(0, Math.floor(Number(c.req.query('offset')) || 0));
    const list = await listAdvisories(c.var.deps, requirePrincipal(c), {
      state: pick(filters.state, advisoryStates),
      tlp: pick(filters.tlp, tlpLabels),
      test: filters.test === undefined ? undefined : filters.test === 'true',
      limit: PAGE_SIZE,
      offset,
    });
    return renderPage(c, { title: advisoryListTitle }, <AdvisoryListPage {...list} filters={filters} />);
  });

  // Registered before /advisories/:id, which would otherwise also match "new".
  router.get('/advisories/new', (c) => showForm(c, emptyAdvisoryValues));

  router.post('/advisories/new', async (c) => {
    const { values, input } = await readForm(c);
    const parsed = AdvisoryInput.safeParse(input);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = fieldFor(issue.path);
        let message = issue.message;
        // Say which line of a one-per-line list is wrong.
        if ((field === 'cves' || field === 'references') && typeof issue.path[1] === 'number') {
          const typed = input[field][issue.path[1]];
          if (typed !== undefined) message = `${message}: “${typed}”`;
        }
        errors[field] ??= message;
      }
      return showForm(c, values, errors);
    }
    try {
      const created = await createAdvisory(c.var.deps, actorOf(c), parsed.data);
      return c.redirect(`/advisories/${created.id}?saved=1`, 303);
    } catch (err) {
      return composeError(c, values, err);
    }
  });

  router.get('/advisories/:id', (c) =>
    showAdvisory(c, c.req.param('id'), {
      banner: c.req.query('saved')
        ? 'Draft saved. Check who it reaches before you release it.'
        : releaseOutcomes[c.req.query('done') ?? ''],
    }),
  );

  return router;
}
