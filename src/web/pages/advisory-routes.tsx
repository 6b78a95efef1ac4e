// GET /advisories (the list), GET and POST /advisories/new (compose), GET /advisories/:id (one advisory
// with its reach). Staff only, by the policy table; the verbs are the API's own.

import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { advisoryStates } from '../../domain/advisory-states.js';
import { tlpLabels } from '../../domain/tlp.js';
import { accessTo, findOwnAdvisory } from '../../features/advisories/advisory-scope.js';
import { createAdvisory } from '../../features/advisories/create-advisory.js';
import { deliveryTotals } from '../../features/advisories/delivery-list.js';
import { editAdvisory } from '../../features/advisories/edit-advisory.js';
import { advisoryParent } from '../../features/advisories/get-advisory.js';
import { listAdvisories } from '../../features/advisories/list-advisories.js';
import { previewAdvisory, previewUnsaved } from '../../features/advisories/preview-advisory.js';
import { AdvisoryInput, AdvisoryPreviewInput } from '../../features/advisories/schemas.js';
import { listTestAudiences } from '../../features/advisories/test-audiences.js';
import { type AdvisoryRow, advisoryViewFor } from '../../features/advisories/view.js';
import { registerFacets } from '../../features/authority-register/register-facets.js';
import { csrfToken } from '../../middleware/csrf.js';
import {
  AdvisoryForm,
  type AdvisoryFormChoices,
  type AdvisoryFormMode,
  type AdvisoryFormValues,
  composeMode,
  emptyAdvisoryValues,
} from './advisory-form.js';
import { type AdvisoryListFilters, AdvisoryListPage, advisoryListTitle } from './advisory-list.js';
import { AdvisoryPage, advisoryPageTitle } from './advisory-page.js';
import { type AudienceReach, AudienceReachPanel } from './advisory-reach.js';
import { releaseOutcomes } from './advisory-release-outcomes.js';
import { progressSlot, releaseSlots } from './advisory-release-slots.js';
import { formFields, pageError, renderPage } from './render.js';

const PAGE_SIZE = 50;

async function formChoices(c: Context<AppEnv>): Promise<AdvisoryFormChoices> {
  const principal = requirePrincipal(c);
  // A WARP operator is offered only the nations and council types among its members.
  const [facets, testAudiences] = await Promise.all([
    registerFacets(c.var.deps, principal.role === 'warp' ? { warpId: principal.warpId ?? '' } : {}),
    listTestAudiences(c.var.deps, principal),
  ]);
  const ownWarp =
    principal.role === 'warp' ? (facets.warps.find((w) => w.id === principal.warpId) ?? null) : null;
  return {
    nations: facets.nations,
    warps: principal.role === 'admin' ? facets.warps : [],
    types: facets.types,
    testAudiences: testAudiences.map((t) => t.name),
    ownWarp,
  };
}

async function showForm(
  c: Context<AppEnv>,
  values: AdvisoryFormValues,
  errors: Record<string, string> = {},
  options: {
    status?: ContentfulStatusCode;
    mode?: AdvisoryFormMode;
    reach?: AudienceReach;
    banner?: string;
  } = {},
) {
  const hasErrors = Object.keys(errors).length > 0;
  const mode = options.mode ?? composeMode;
  return renderPage(
    c,
    { title: mode.heading, hasErrors, status: options.status ?? (hasErrors ? 422 : 200) },
    <>
      {options.banner && (
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-two-thirds">
            <div class="govuk-inset-text">{options.banner}</div>
          </div>
        </div>
      )}
      <AdvisoryForm
        csrf={csrfToken(c)}
        values={values}
        errors={errors}
        choices={await formChoices(c)}
        mode={mode}
        reach={options.reach}
      />
    </>,
  );
}

/** The form's values for a saved advisory (to edit it, or to start a new one from it). */
function valuesOf(row: AdvisoryRow): AdvisoryFormValues {
  const a = row.audience;
  return {
    title: row.title,
    summary: row.summary,
    body: row.body,
    severity: row.severity,
    urgent: row.urgent,
    tlp: row.tlp,
    requireEncryption: row.requireEncryption,
    cves: row.cves.join('\n'),
    references: row.references.join('\n'),
    all: !!a.all,
    nations: a.nations ?? [],
    warps: a.warps ?? [],
    types: a.types ?? [],
    authorities: (a.authorities ?? []).join(' '),
    test: row.test,
    testAudience: row.testAudience ?? '',
  };
}

/** Who the form's audience reaches, or why it cannot be counted yet. */
async function reachOf(
  c: Context<AppEnv>,
  input: Awaited<ReturnType<typeof readForm>>['input'],
): Promise<AudienceReach> {
  const tlp = input.tlp ?? 'CLEAR';
  const parsed = AdvisoryPreviewInput.safeParse({
    audience: input.audience,
    tlp,
    test: input.test,
    ...(input.testAudience && { testAudience: input.testAudience }),
  });
  if (!parsed.success)
    return { error: `It cannot be counted yet: ${parsed.error.issues[0]?.message ?? 'check the audience'}.` };
  try {
    return { preview: await previewUnsaved(c.var.deps, requirePrincipal(c), parsed.data), tlp };
  } catch (err) {
    const known = pageError(err, ['forbidden', 'validation_failed', 'not_found', 'conflict']);
    if (!known) throw err;
    return { error: known.message };
  }
}

/** "Update count": the reach alone for app.js, or the whole form again with it (without JavaScript). */
async function showCount(c: Context<AppEnv>, mode: AdvisoryFormMode) {
  const { values, input } = await readForm(c);
  const reach = await reachOf(c, input);
  if (c.req.header('x-reach-panel') === '1') {
    c.header('Cache-Control', 'no-store');
    return c.html(<AudienceReachPanel reach={reach} />);
  }
  return showForm(c, values, {}, { mode, reach });
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
    urgent: one('urgent') === 'yes',
    tlp: one('tlp'),
    requireEncryption: one('requireEncryption') === 'yes',
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
    urgent: values.urgent,
    tlp: values.tlp || undefined,
    // Only from a form that asked (an admin's): a WARP operator's edit leaves an admin's requirement alone.
    ...(one('requireEncryptionAsked') === 'yes' && { requireEncryption: values.requireEncryption }),
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

async function composeError(
  c: Context<AppEnv>,
  values: AdvisoryFormValues,
  err: unknown,
  mode: AdvisoryFormMode = composeMode,
) {
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
  return showForm(c, values, errors, { status: known.status as ContentfulStatusCode, mode });
}

/** Validates the form as the API validates its JSON: the input, or the page with its errors. */
function validated(values: AdvisoryFormValues, input: Awaited<ReturnType<typeof readForm>>['input']) {
  const parsed = AdvisoryInput.safeParse(input);
  if (parsed.success) return { data: parsed.data };
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
  return { errors, values };
}

const editMode = (id: string): AdvisoryFormMode => ({
  action: `/advisories/${id}/edit`,
  heading: 'Edit the draft',
  submit: 'Save changes',
  back: `/advisories/${id}`,
});

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
    access.author && (row.state === 'draft' || row.state === 'awaiting-approval')
      ? previewAdvisory(deps, principal, id)
      : undefined,
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
      cancel={release.cancel}
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
    const totals = await deliveryTotals(
      c.var.deps,
      requirePrincipal(c),
      list.items.map((a) => a.id),
    );
    return renderPage(
      c,
      { title: advisoryListTitle },
      <AdvisoryListPage {...list} totals={totals} filters={filters} />,
    );
  });

  // Registered before /advisories/:id, which would otherwise also match "new".
  router.get('/advisories/new', async (c) => {
    const from = c.req.query('from');
    if (!from) return showForm(c, emptyAdvisoryValues);
    // Copy: a new advisory starting from one of your own.
    const row = await findOwnAdvisory(c.var.deps, requirePrincipal(c), from);
    return showForm(
      c,
      valuesOf(row),
      {},
      {
        banner: `Copied from ${row.reference}. Nothing is saved until you save it as a draft; check the audience and the TLP label.`,
      },
    );
  });

  router.post('/advisories/new', async (c) => {
    if ((await formFields(c))('intent') === 'count') return showCount(c, composeMode);
    const { values, input } = await readForm(c);
    const checked = validated(values, input);
    if (!checked.data) return showForm(c, values, checked.errors);
    try {
      const created = await createAdvisory(c.var.deps, actorOf(c), checked.data);
      return c.redirect(`/advisories/${created.id}?saved=1`, 303);
    } catch (err) {
      return composeError(c, values, err);
    }
  });

  router.get('/advisories/:id/edit', async (c) => {
    const id = c.req.param('id');
    const principal = requirePrincipal(c);
    const row = await findOwnAdvisory(c.var.deps, principal, id);
    if (row.state !== 'draft')
      return showAdvisory(c, id, {
        error: 'Only a draft can be edited: this one has been released.',
        status: 409,
      });
    return showForm(c, valuesOf(row), {}, { mode: editMode(id) });
  });

  router.post('/advisories/:id/edit', async (c) => {
    const id = c.req.param('id');
    const mode = editMode(id);
    if ((await formFields(c))('intent') === 'count') return showCount(c, mode);
    const { values, input } = await readForm(c);
    const checked = validated(values, input);
    if (!checked.data) return showForm(c, values, checked.errors, { mode });
    try {
      await editAdvisory(c.var.deps, actorOf(c), id, {
        ...checked.data,
        testAudience: checked.data.testAudience ?? null,
      });
      return c.redirect(`/advisories/${id}?edited=1`, 303);
    } catch (err) {
      return composeError(c, values, err, mode);
    }
  });

  // The progress panel alone: the advisory page fetches it every few seconds while it sends.
  router.get('/advisories/:id/progress-panel', async (c) => {
    const principal = requirePrincipal(c);
    const access = await accessTo(c.var.deps, principal, c.req.param('id'));
    const advisory = advisoryViewFor(principal, access.advisory, access.content);
    c.header('Cache-Control', 'no-store');
    const panel = await progressSlot(c, advisory);
    return c.html(panel ?? '');
  });

  router.get('/advisories/:id', (c) =>
    showAdvisory(c, c.req.param('id'), {
      banner: c.req.query('saved')
        ? 'Draft saved. Check who it reaches before you release it.'
        : c.req.query('edited')
          ? 'Changes saved.'
          : releaseOutcomes[c.req.query('done') ?? ''],
    }),
  );

  return router;
}
