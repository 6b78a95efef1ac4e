// The service's own script and stylesheet: small enough to live in code, so both runtimes serve them; and
// GOV.UK Frontend's files under /assets where the runtime serves them through the app (Node).
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../deps.js';
import { tlpColours, tlpLabels } from '../domain/tlp.js';
import { tlpClass } from './components/tag.js';

export function staticRoutes(deps: Deps) {
  const router = new Hono<AppEnv>();
  if (deps.assets) router.get('/assets/*', deps.assets);
  router.get('/app.js', (c) => c.body(appJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  router.get('/app.css', (c) => c.body(appCss, 200, { 'content-type': 'text/css; charset=utf-8' }));
  return router;
}

export const appJs = `document.body.classList.add('js-enabled', 'govuk-frontend-supported');
import('/assets/govuk-frontend.min.js').then((m) => m.initAll()).catch(() => {});
`;

export const appCss = `.app-table--compact .govuk-table__cell, .app-table--compact .govuk-table__header { padding: 6px 10px 6px 0; }
.app-code { font-family: monospace; font-size: 0.9em; overflow-wrap: break-word; }
.app-nav-form { display: inline; margin: 0; }
.app-link-button { background: none; border: 0; padding: 0; margin: 0; font: inherit; color: #1d70b8; text-decoration: underline; text-underline-offset: 0.1578em; cursor: pointer; }
.app-link-button:hover { color: #003078; text-decoration-thickness: max(3px, .1875rem, .12em); }
.app-link-button:focus { outline: 3px solid transparent; color: #0b0c0c; background-color: #fd0; box-shadow: 0 -2px #fd0, 0 4px #0b0c0c; text-decoration: none; }
.govuk-service-navigation__link.app-link-button { font-weight: inherit; }
.app-break-words { overflow-wrap: anywhere; }
.app-wrap-anywhere { overflow-wrap: anywhere; }
td.app-wrap-anywhere { min-width: 12em; }
.app-button-row { display: flex; flex-wrap: wrap; gap: 0 15px; align-items: flex-start; margin-top: 20px; }
.app-button-row form { margin: 0; }
.app-pre { white-space: pre-wrap; overflow-x: auto; background: #f3f2f1; padding: 10px; font-size: 14px; }
.app-figure { margin: 0 0 20px 0; }
.app-chart { display: block; max-width: 100%; height: auto; }
.app-chart-legend { list-style: none; margin: 10px 0 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 5px 20px; font-family: "GDS Transport", arial, sans-serif; font-size: 16px; color: #0b0c0c; }
.app-chart-legend li { display: flex; align-items: center; gap: 6px; }
.app-inline-list li { display: inline-block; margin-right: 20px; }
.app-current-link { font-weight: 700; text-decoration: none; color: #0b0c0c; }
.app-table-scroll { overflow-x: auto; margin-bottom: 20px; }
.app-table-scroll:focus { outline: 3px solid #fd0; }
.app-tlp.govuk-tag { background-color: #000; font-weight: 700; white-space: nowrap; max-width: none; }
${tlpLabels.map((l) => `.app-tlp.${tlpClass(l)} { color: ${tlpColours[l]}; }`).join('\n')}
`;
