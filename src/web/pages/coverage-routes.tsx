// GET /coverage (public), GET /dashboard and GET /dashboard/chase (staff), GET /authorities/:code (signed
// in, scoped). Their access is declared in features/auth/policy.ts; the scope is in the queries.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { actorOf, requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { registerFacets } from '../../features/authority-register/register-facets.js';
import { findWarp } from '../../features/authority-register/warps.js';
import { withConfirmedAtRisk } from '../../features/coverage/at-risk.js';
import { chaseBuckets, chaseList, isChaseBucket, isChaseConcern } from '../../features/coverage/chase.js';
import { sendChaseReminder } from '../../features/coverage/chase-reminder.js';
import { discloseSafely } from '../../features/coverage/disclosure.js';
import {
  type CoverageReport,
  coverageReport,
  type Dimension,
  dimensions,
} from '../../features/coverage/report.js';
import {
  addDays,
  type CoverageHistory,
  coverageHistory,
  ukDayKey,
} from '../../features/coverage/snapshot.js';
import { csrfToken } from '../../middleware/csrf.js';
import { redirectWithResult, resultOf } from '../flash.js';
import { safeNextPath } from '../next-page.js';
import { type ChaseFilters, ChasePage, chaseTitle } from './chase-page.js';
import { DashboardPage, dashboardTitle, PublicCoveragePage, publicCoverageTitle } from './coverage-page.js';
import { formFields, orPageError, renderPage, statusOf } from './render.js';

const HISTORY_DAYS = 90;
const CHASE_PAGE_SIZE = 100;

/** A WARP operator's own WARP (id and name); null for everyone else. */
const ChaseResult = z.object({ done: z.string().max(2000) });

/** The chase list with the filters the address asks for (a WARP operator's: its members only). */
async function showChase(c: Context<AppEnv>, outcome: { done?: string; error?: AppError } = {}) {
  const deps = c.var.deps;
  const principal = requirePrincipal(c);
  const warp = await ownWarp(c);
  const facets = await registerFacets(deps, warp ? { warpId: warp.id } : {});
  const pick = (name: string, allowed: readonly string[]) => {
    const v = c.req.query(name);
    return v && allowed.includes(v) ? v : undefined;
  };
  const asked = c.req.query('bucket') ?? '';
  const concern = c.req.query('concern') ?? '';
  const filters: ChaseFilters = {
    bucket: isChaseBucket(asked) ? asked : undefined,
    concern: isChaseConcern(concern) ? concern : undefined,
    nation: pick('nation', facets.nations),
    region: pick('region', facets.regions),
    warp: warp
      ? undefined
      : pick(
          'warp',
          facets.warps.map((w) => w.id),
        ),
  };
  const offset = Math.max(0, Math.floor(Number(c.req.query('offset')) || 0));
  const list = await chaseList(deps, principal, {
    bucket: filters.bucket ? [filters.bucket] : undefined,
    concern: filters.concern ? [filters.concern] : undefined,
    nation: filters.nation ? [filters.nation] : undefined,
    region: filters.region ? [filters.region] : undefined,
    warp: filters.warp ? [filters.warp] : undefined,
    limit: CHASE_PAGE_SIZE,
    offset,
  });
  const errors = outcome.error ? [{ field: 'chase-list', text: outcome.error.message }] : [];
  return renderPage(
    c,
    {
      title: chaseTitle,
      hasErrors: errors.length > 0,
      status: outcome.error ? statusOf(outcome.error) : 200,
    },
    <ChasePage
      list={list}
      filters={filters}
      choices={{ nations: facets.nations, regions: facets.regions, warps: warp ? [] : facets.warps }}
      warpName={warp?.name}
      csrf={csrfToken(c)}
      done={outcome.done}
      errors={errors}
    />,
  );
}

async function ownWarp(c: Context<AppEnv>) {
  const principal = requirePrincipal(c);
  if (principal.role !== 'warp') return null;
  const id = principal.warpId ?? '';
  const warp = await findWarp(c.var.deps, id);
  return { id, name: warp?.name ?? id };
}

/** The history for the dashboard: a WARP operator sees the UK total and their own WARP's line. */
async function dashboardHistory(
  c: Context<AppEnv>,
  by: Dimension,
  warp: { id: string } | null,
  /** The headline's report when it is counted the way the history is (an admin's: unfiltered, by `by`). */
  headline: Promise<CoverageReport> | null,
): Promise<CoverageHistory> {
  const deps = c.var.deps;
  const to = ukDayKey(deps.clock.now());
  const from = addDays(to, -(HISTORY_DAYS - 1));
  const dimension = warp ? 'warp' : by;
  const [history, live] = await Promise.all([
    coverageHistory(deps, { by: dimension, from, to }),
    headline ?? coverageReport(deps, { by: dimension }),
  ]);
  // Today's point is counted now, so the line always ends where the headline figures are (a snapshot taken
  // this morning would not show a mailbox confirmed since).
  const today = { day: to, total: live.total, groups: live.groups, live: true };
  const days = [...history.days.filter((d) => d.day !== to), today];
  return {
    ...history,
    days: warp ? days.map((d) => ({ ...d, groups: d.groups.filter((g) => g.key === warp.id) })) : days,
  };
}

export function coveragePageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/coverage', async (c) => {
    const deps = c.var.deps;
    const report = discloseSafely(
      await coverageReport(deps, { by: 'nation' }),
      deps.config.PUBLIC_COVERAGE_MIN_GROUP,
    );
    return renderPage(c, { title: publicCoverageTitle }, <PublicCoveragePage report={report} />);
  });

  router.get('/dashboard', async (c) => {
    const deps = c.var.deps;
    const asked = c.req.query('by');
    const by: Dimension = (dimensions as readonly string[]).includes(asked ?? '')
      ? (asked as Dimension)
      : 'region';
    const warp = await ownWarp(c);
    const filters = warp ? { warp: [warp.id] } : {};
    // Counted once: the headline, and (for an admin, whose history is counted the same way) today's point.
    const counted = coverageReport(deps, { by, filters });
    const [report, history, chase] = await Promise.all([
      counted.then((r) => withConfirmedAtRisk(deps, r)),
      dashboardHistory(c, by, warp, warp ? null : counted),
      // The gaps only: the headline says how many have no confirmed primary mailbox.
      chaseList(deps, requirePrincipal(c), { bucket: [...chaseBuckets], limit: 1, offset: 0 }),
    ]);
    return renderPage(
      c,
      { title: warp ? `${dashboardTitle}: ${warp.name}` : dashboardTitle },
      <DashboardPage
        by={by}
        report={report}
        history={history}
        warpName={warp?.name}
        chaseTotal={chase.total}
      />,
    );
  });

  router.get('/dashboard/chase', (c) => showChase(c, { done: resultOf(c, ChaseResult)?.done }));

  router.post('/dashboard/chase/:code/remind', async (c) => {
    const back = safeNextPath((await formFields(c))('back')) ?? '/dashboard/chase';
    const sent = await orPageError(
      ['not_found', 'conflict', 'rate_limited', 'forbidden'],
      sendChaseReminder(c.var.deps, actorOf(c), c.req.param('code')),
    );
    if (sent instanceof AppError) return showChase(c, { error: sent });
    // Post/redirect/get, back to the same filters and page.
    return redirectWithResult(c, back.startsWith('/dashboard/chase') ? back : '/dashboard/chase', {
      done: `A reminder is on its way to ${sent.to.join(', ')}.`,
    });
  });

  return router;
}
