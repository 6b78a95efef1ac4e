// GET /coverage (public), GET /dashboard and GET /dashboard/chase (staff), GET /authorities/:code (signed
// in, scoped). Their access is declared in features/auth/policy.ts; the scope is in the queries.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { requirePrincipal } from '../../actor.js';
import type { AppEnv } from '../../deps.js';
import { findWarp } from '../../features/authority-register/warps.js';
import { withConfirmedAtRisk } from '../../features/coverage/at-risk.js';
import { chaseList, isChaseBucket } from '../../features/coverage/chase.js';
import { discloseSafely } from '../../features/coverage/disclosure.js';
import { coverageReport, type Dimension, dimensions } from '../../features/coverage/report.js';
import {
  addDays,
  type CoverageHistory,
  coverageHistory,
  ukDayKey,
} from '../../features/coverage/snapshot.js';
import { ChasePage, chaseTitle } from './chase-page.js';
import { DashboardPage, dashboardTitle, PublicCoveragePage, publicCoverageTitle } from './coverage-page.js';
import { renderPage } from './render.js';

const HISTORY_DAYS = 90;
const CHASE_PAGE_SIZE = 100;

/** A WARP operator's own WARP (id and name); null for everyone else. */
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
): Promise<CoverageHistory> {
  const deps = c.var.deps;
  const to = ukDayKey(deps.clock.now());
  const from = addDays(to, -(HISTORY_DAYS - 1));
  if (!warp) return coverageHistory(deps, { by, from, to });
  const history = await coverageHistory(deps, { by: 'warp', from, to });
  return {
    ...history,
    days: history.days.map((d) => ({ ...d, groups: d.groups.filter((g) => g.key === warp.id) })),
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
    const [report, history, chase] = await Promise.all([
      coverageReport(deps, { by, filters }).then((r) => withConfirmedAtRisk(deps, r)),
      dashboardHistory(c, by, warp),
      chaseList(deps, requirePrincipal(c), { limit: 1, offset: 0 }),
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

  router.get('/dashboard/chase', async (c) => {
    const asked = c.req.query('bucket') ?? '';
    const bucket = isChaseBucket(asked) ? asked : undefined;
    const offset = Math.max(0, Math.floor(Number(c.req.query('offset')) || 0));
    const warp = await ownWarp(c);
    const list = await chaseList(c.var.deps, requirePrincipal(c), {
      bucket: bucket ? [bucket] : undefined,
      limit: CHASE_PAGE_SIZE,
      offset,
    });
    return renderPage(
      c,
      { title: chaseTitle },
      <ChasePage list={list} bucket={bucket} warpName={warp?.name} />,
    );
  });

  return router;
}
