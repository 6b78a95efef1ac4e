// The drill pages (staff: the list, the form, check your answers, a drill and its report; anyone with a
// link: the acknowledgement page). Access is declared in features/auth/policy.ts; scope is the features'.
// The acknowledgement link: GET shows the page and changes nothing (mail scanners follow links), POST
// records it; `/d/<token>` is the short form texts carry, the same page.
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { Audience } from '../../db/schema.js';
import type { AppEnv } from '../../deps.js';
import { ukDateTime, ukWallClock } from '../../domain/uk-time.js';
import { AppError } from '../../errors.js';
import { listWarps } from '../../features/authority-register/warps.js';
import { acknowledgeDrillPath, inspectDrillAck, isLate } from '../../features/drills/acknowledge-drill.js';
import { parseAudienceSpec } from '../../features/drills/audience-spec.js';
import { cancelDrill } from '../../features/drills/cancel-drill.js';
import { assertMayChange, drillFor } from '../../features/drills/drill-view.js';
import { listDrills } from '../../features/drills/list-drills.js';
import { drillReport } from '../../features/drills/report.js';
import {
  checkDrillInput,
  type DrillInput,
  previewDrill,
  scheduleDrill,
} from '../../features/drills/schedule-drill.js';
import { DrillInputSchema } from '../../features/drills/schemas.js';
import { startDrill } from '../../features/drills/start-drill.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { wantsHtml } from '../negotiate.js';
import { describeAudience } from './advisory-bits.js';
import {
  checkDrillTitle,
  DrillAckedPage,
  DrillAckPage,
  DrillCheckPage,
  DrillFormPage,
  type DrillFormValues,
  DrillLinkNotValid,
  DrillListPage,
  DrillPage,
  drillAckedTitle,
  drillAckTitle,
  drillLinkNotValidTitle,
  drillsTitle,
  newDrillTitle,
} from './drills.js';
import { formFields, renderPage } from './render.js';

const emptyValues: DrillFormValues = {
  who: 'all',
  audience: '',
  startDay: '',
  startMonth: '',
  startYear: '',
  startTime: '',
  windowHours: '24',
  recurrence: 'none',
};

async function warpNames(c: Context<AppEnv>): Promise<Map<string, string>> {
  const warps = await listWarps(c.var.deps, { limit: 1000, offset: 0 });
  return new Map(warps.items.map((w) => [w.id, w.name]));
}

const audienceText = (a: Audience, names: Map<string, string>) => describeAudience(a, names).join('; ');

/** When the form says it starts (UK time): null for as soon as possible, or the errors by field. */
function startOf(
  v: DrillFormValues,
): { at: Date | null } | { errors: Array<{ field: string; text: string }> } {
  const [day, month, year, time] = [v.startDay, v.startMonth, v.startYear, v.startTime].map((x) => x.trim());
  if (!day && !month && !year && !time) return { at: null };
  if (!day || !month || !year)
    return {
      errors: [
        { field: 'start-day', text: 'Enter the day, month and year it starts, or leave them all empty' },
      ],
    };
  const clock = /^(\d{1,2})[:.](\d{2})$/.exec(time ?? '');
  if (!clock) return { errors: [{ field: 'startTime', text: 'Enter the time it starts, like 09:30' }] };
  const [hour, minute] = [Number(clock[1]), Number(clock[2])];
  const at = ukWallClock(Number(year), Number(month), Number(day), hour, minute);
  if (!at || !/^\d{4}$/.test(year))
    return {
      errors: [
        at
          ? { field: 'start-day', text: 'Enter the year as 4 digits, like 2027' }
          : /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && hour < 24 && minute < 60
            ? { field: 'start-day', text: 'The start must be a real date' }
            : { field: 'startTime', text: 'Enter a real time on the 24-hour clock, like 09:30' },
      ],
    };
  return { at };
}

/** The form's values as the API's input, or the errors by field. */
function inputOf(
  c: Context<AppEnv>,
  v: DrillFormValues,
): { input: DrillInput; errors?: undefined } | { errors: Array<{ field: string; text: string }> } {
  const principal = requirePrincipal(c);
  let audience: Audience;
  if (v.who === 'all')
    audience = principal.role === 'warp' ? { warps: [principal.warpId ?? ''] } : { all: true };
  else if (v.who === 'some') {
    try {
      audience = parseAudienceSpec(v.audience);
    } catch (err) {
      return { errors: [{ field: 'audience', text: (err as AppError).errors?.[0]?.message ?? String(err) }] };
    }
  } else return { errors: [{ field: 'who', text: 'Choose who the drill is for' }] };
  const start = startOf(v);
  if ('errors' in start) return start;
  const parsed = DrillInputSchema.safeParse({
    audience,
    ...(start.at ? { scheduledFor: start.at.toISOString() } : {}),
    windowHours: v.windowHours.trim() || '24',
    recurrence: v.recurrence || 'none',
  });
  if (!parsed.success)
    return {
      errors: parsed.error.issues.map((i) => ({
        field:
          i.path[0] === 'audience'
            ? 'audience'
            : i.path[0] === 'scheduledFor'
              ? 'start-day'
              : String(i.path[0] ?? 'who'),
        text: i.message,
      })),
    };
  return { input: parsed.data };
}

async function valuesOf(c: Context<AppEnv>): Promise<DrillFormValues> {
  const field = await formFields(c);
  return {
    who: field('who'),
    audience: field('audience'),
    startDay: field('startDay'),
    startMonth: field('startMonth'),
    startYear: field('startYear'),
    startTime: field('startTime'),
    windowHours: field('windowHours'),
    recurrence: field('recurrence'),
  };
}

function showForm(
  c: Context<AppEnv>,
  values: DrillFormValues,
  errors: Array<{ field: string; text: string }> = [],
) {
  const principal = requirePrincipal(c);
  return renderPage(
    c,
    { title: newDrillTitle, hasErrors: errors.length > 0, status: errors.length ? 422 : 200 },
    <DrillFormPage csrf={csrfToken(c)} values={values} errors={errors} warp={principal.warpId} />,
  );
}

/** Checks the form as scheduling would; the problem a page shows as field errors, or null. */
async function checked(c: Context<AppEnv>, values: DrillFormValues) {
  const got = inputOf(c, values);
  if (got.errors) return { errors: got.errors };
  try {
    await checkDrillInput(c.var.deps, requirePrincipal(c), got.input);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'validation_failed' || err.code === 'forbidden'))
      return {
        errors: [
          {
            field: err.errors?.[0]?.path?.startsWith('scheduledFor') ? 'start-day' : 'audience',
            text: err.message,
          },
        ],
      };
    throw err;
  }
  return { input: got.input };
}

const Done = z.object({ done: z.string().max(200) });

/** The link's token, whichever form (e-mail or text) it came in. */
function ackRoutes(router: Hono<AppEnv>, path: string) {
  const notValid = (c: Context<AppEnv>) =>
    renderPage(c, { title: drillLinkNotValidTitle, status: 404 }, <DrillLinkNotValid />);

  router.get(path, async (c) => {
    const token = c.req.param('token') ?? '';
    const view = await inspectDrillAck(c.var.deps, token);
    if (!view) return notValid(c);
    const props = { reference: view.reference, council: view.authority.name };
    if (view.acknowledgedAt) {
      const late = isLate(view, view.acknowledgedAt);
      return renderPage(
        c,
        { title: drillAckedTitle(true) },
        <DrillAckedPage {...props} already acknowledgedAt={view.acknowledgedAt} late={late} />,
      );
    }
    return renderPage(c, { title: drillAckTitle(props) }, <DrillAckPage {...props} action={c.req.path} />);
  });

  router.post(path, async (c) => {
    const token = c.req.param('token') ?? '';
    const outcome = await acknowledgeDrillPath(c.var.deps, token, {
      requestId: c.var.requestId,
      ip: c.var.clientIp,
    });
    if (outcome.state === 'unknown') {
      if (wantsHtml(c)) return notValid(c);
      throw new AppError('not_found', 'This drill link is not valid.');
    }
    const { view } = outcome;
    const already = outcome.state === 'already';
    if (!wantsHtml(c)) {
      c.header('Cache-Control', 'no-store');
      return c.json({
        drill: view.reference,
        authority: view.authority.code,
        acknowledgedAt: view.acknowledgedAt!.toISOString(),
        alreadyAcknowledged: already,
        late: outcome.late,
      });
    }
    return renderPage(
      c,
      { title: drillAckedTitle(already) },
      <DrillAckedPage
        reference={view.reference}
        council={view.authority.name}
        already={already}
        acknowledgedAt={view.acknowledgedAt!}
        late={outcome.late}
      />,
    );
  });
}

export function drillPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/drills', async (c) => {
    const list = await listDrills(c.var.deps, requirePrincipal(c));
    const names = await warpNames(c);
    const audiences = new Map(list.map((d) => [d.id, audienceText(d.audience, names)]));
    return renderPage(c, { title: drillsTitle }, <DrillListPage drills={list} audiences={audiences} />);
  });

  router.get('/drills/new', (c) => showForm(c, emptyValues));

  router.post('/drills/check', async (c) => {
    const values = await valuesOf(c);
    const result = await checked(c, values);
    if (!result.input) return showForm(c, values, result.errors);
    const preview = await previewDrill(c.var.deps, requirePrincipal(c), result.input.audience);
    return renderPage(
      c,
      { title: checkDrillTitle },
      <DrillCheckPage
        csrf={csrfToken(c)}
        values={values}
        audienceText={audienceText(result.input.audience, await warpNames(c))}
        startsText={
          result.input.scheduledFor ? ukDateTime(result.input.scheduledFor) : 'Within a few minutes'
        }
        preview={preview}
      />,
    );
  });

  router.post('/drills/new', async (c) => {
    const values = await valuesOf(c);
    const result = await checked(c, values);
    if (!result.input) return showForm(c, values, result.errors);
    const drill = await scheduleDrill(c.var.deps, actorOf(c), result.input);
    return redirectWithResult(c, `/drills/${drill.id}`, { done: `Drill ${drill.reference} scheduled` });
  });

  router.get('/drills/:id', async (c) => {
    const principal = requirePrincipal(c);
    const report = await drillReport(c.var.deps, principal, c.req.param('id'));
    const drill = await drillFor(c.var.deps, principal, report.drill.id);
    let mayChange = true;
    try {
      assertMayChange(principal, drill);
    } catch {
      mayChange = false;
    }
    const done = resultOf(c, Done)?.done;
    return renderPage(
      c,
      { title: `Drill ${report.drill.reference}` },
      <DrillPage
        csrf={csrfToken(c)}
        report={report}
        audienceText={audienceText(report.drill.audience, await warpNames(c))}
        mayChange={mayChange}
        done={done}
      />,
    );
  });

  router.post('/drills/:id/start', async (c) => {
    const started = await startDrill(c.var.deps, actorOf(c), c.req.param('id'));
    return redirectWithResult(c, `/drills/${started.drill.id}`, {
      done: started.more
        ? `Drill ${started.drill.reference} started: the first ${started.paths} messages are on their way, the rest follow within minutes`
        : `Drill ${started.drill.reference} started: ${started.paths} messages on their way`,
    });
  });

  router.post('/drills/:id/cancel', async (c) => {
    const drill = await cancelDrill(c.var.deps, actorOf(c), c.req.param('id'));
    return redirectWithResult(c, `/drills/${drill.id}`, { done: `Drill ${drill.reference} cancelled` });
  });

  ackRoutes(router, '/drills/ack/:token');
  ackRoutes(router, '/d/:token');
  return router;
}
