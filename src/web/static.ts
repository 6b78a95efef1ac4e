// The service's own script and stylesheet: small enough to live in code, so both runtimes serve them; and
// GOV.UK Frontend's files under /assets where the runtime serves them through the app (Node).
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../deps.js';
import { tlpColours, tlpLabels } from '../domain/tlp.js';
import { tlpClass } from './components/tag.js';
import { passkeysJs } from './passkeys-script.js';

export function staticRoutes(deps: Deps) {
  const router = new Hono<AppEnv>();
  if (deps.assets) router.get('/assets/*', deps.assets);
  router.get('/app.js', (c) => c.body(appJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  router.get('/passkeys.js', (c) =>
    c.body(passkeysJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  router.get('/app.css', (c) => c.body(appCss, 200, { 'content-type': 'text/css; charset=utf-8' }));
  return router;
}

export const appJs = `document.body.classList.add('js-enabled', 'govuk-frontend-supported');
import('/assets/govuk-frontend.min.js').then((m) => m.initAll()).catch(() => {});

// Passkeys: the ceremony's own script, only where a page offers one.
if (document.querySelector('[data-passkey-register], [data-passkey-sign-in]')) import('/passkeys.js');

// An advisory being sent: its progress panel is fetched again every few seconds and swapped in, until the
// send is over (the new panel has no data-live). Not while someone is typing in it, nor in a hidden tab.
const progress = document.getElementById('advisory-progress');
if (progress && progress.querySelector('[data-live]')) {
  const refresh = async () => {
    const live = progress.querySelector('[data-live]');
    if (!live) return;
    const typing = progress.contains(document.activeElement) && document.activeElement.tagName === 'INPUT';
    if (!document.hidden && !typing) {
      try {
        const answer = await fetch(live.getAttribute('data-live'), { credentials: 'same-origin' });
        // A session that ended answers with the sign-in page: keep what is shown.
        if (answer.ok && !answer.redirected) progress.innerHTML = await answer.text();
      } catch {}
    }
    setTimeout(refresh, 3000);
  };
  setTimeout(refresh, 3000);
}

// The audience on the advisory form: its reach is counted again as the choices change ("Update count"
// does the same without JavaScript).
const reachButton = document.querySelector('[data-reach-button]');
const reachBox = document.getElementById('audience-reach');
if (reachButton && reachButton.form && reachBox) {
  const form = reachButton.form;
  let timer;
  let asked = 0;
  const count = async () => {
    const mine = ++asked;
    const fields = new FormData(form);
    fields.set('intent', 'count');
    try {
      const answer = await fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-reach-panel': '1' },
        body: new URLSearchParams(fields),
      });
      if (answer.ok && !answer.redirected && mine === asked) reachBox.innerHTML = await answer.text();
    } catch {}
  };
  const later = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(count, ms);
  };
  const audience = ['all', 'nations', 'warps', 'types', 'authorities', 'tlp', 'test', 'testAudience'];
  form.addEventListener('change', (e) => {
    if (audience.includes(e.target.name)) later(150);
  });
  form.addEventListener('input', (e) => {
    if (e.target.name === 'authorities') later(600);
  });
  reachButton.addEventListener('click', (e) => {
    e.preventDefault();
    count();
  });
}
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
.app-header__service-name { display: inline-block; font-weight: 700; font-size: 1.5rem; line-height: 1.25; color: #fff; }
@media (max-width: 40.0525em) { .app-chart-wide { display: none; } }
@media (min-width: 40.0625em) { .app-chart-narrow { display: none; } }
.app-nowrap { white-space: nowrap; }
@media (min-width: 40.0625em) { .app-col-wide { min-width: 15em; } }
.app-text-failed { color: #d4351c; }
.app-nav-count { display: inline-block; min-width: 1.4em; margin-left: 4px; padding: 0 6px; border-radius: 0.75em; background: #d4351c; color: #fff; font-weight: 700; text-align: center; line-height: 1.4; }
.app-link--destructive, .app-link--destructive:link, .app-link--destructive:visited { color: #d4351c; }
.app-link--destructive:hover { color: #942514; }
.app-link--destructive:focus { color: #0b0c0c; }
.app-progress { margin-bottom: 20px; }
progress.app-progress__bar { -webkit-appearance: none; appearance: none; display: block; width: 100%; height: 24px; margin: 0 0 10px 0; border: 2px solid #0b0c0c; background: #fff; }
progress.app-progress__bar::-webkit-progress-bar { background: #fff; }
progress.app-progress__bar::-webkit-progress-value { background: #00703c; }
progress.app-progress__bar::-moz-progress-bar { background: #00703c; }
.app-totals { display: flex; flex-wrap: wrap; gap: 15px; list-style: none; margin: 0 0 20px 0; padding: 0; font-family: "GDS Transport", arial, sans-serif; color: #0b0c0c; }
.app-totals__item { flex: 1 1 6em; padding: 10px 15px; background: #f3f2f1; border-left: 5px solid #505a5f; }
.app-totals__item--delivered { border-left-color: #00703c; }
.app-totals__item--trying { border-left-color: #1d70b8; }
.app-totals__item--failed { border-left-color: #d4351c; }
.app-totals__link { display: block; text-decoration: none; }
.app-totals__link:not(:focus) { color: #0b0c0c; }
.app-totals__link:hover .app-totals__label { text-decoration: underline; }
.app-totals__number { display: block; font-size: clamp(32px, 8vw, 48px); font-weight: 700; line-height: 1.1; }
.app-totals__label { display: block; font-size: 19px; }
.app-totals__hint { display: block; margin-top: 5px; font-size: 16px; color: #505a5f; }
.app-views__list { display: flex; flex-wrap: wrap; gap: 8px 8px; list-style: none; margin: 0 0 20px 0; padding: 0; font-family: "GDS Transport", arial, sans-serif; font-size: 16px; }
.app-views__link { display: inline-block; padding: 6px 12px; border: 1px solid #b1b4b6; text-decoration: none; }
.app-views__item--current .app-views__link:not(:focus) { background: #0b0c0c; border-color: #0b0c0c; color: #fff; }
.app-views__count { font-weight: 700; }
.app-search { margin-bottom: 15px; }
.app-search__row { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-start; }
.app-search__input { flex: 1 1 12em; max-width: 30em; }
.app-search__button { margin-bottom: 0; }
.app-deliveries { width: 100%; }
.app-deliveries__recipient { width: 40%; }
.app-recipient__name { display: block; font-weight: 700; }
.app-recipient__code { font-weight: 400; color: #505a5f; }
.app-recipient__address { display: block; font-size: 16px; color: #505a5f; overflow-wrap: anywhere; }
.app-outcome__reason { display: block; margin-top: 5px; }
.app-outcome__detail { display: block; font-size: 16px; color: #505a5f; }
.app-outcome__reply { display: block; margin-top: 3px; font-family: monospace; font-size: 14px; color: #505a5f; overflow-wrap: anywhere; }
@media (max-width: 40.0525em) {
  .app-table--stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .app-table--stack tr, .app-table--stack td, .app-table--stack th { display: block; width: auto; }
  .app-table--stack tr { padding: 10px 0; border-bottom: 1px solid #b1b4b6; }
  .app-table--stack td, .app-table--stack th { padding: 3px 0; border: 0; }
  .app-table--stack td::before { content: attr(data-label); display: block; font-size: 16px; font-weight: 700; color: #505a5f; }
  .app-deliveries td.app-deliveries__recipient::before { display: none; }
}
.app-reach { margin: 0 0 15px 0; padding: 10px 15px; border-left: 5px solid #1d70b8; background: #f3f2f1; }
.app-reach .govuk-details { margin-bottom: 0; }
.app-columns { columns: 2 14em; }
.app-email-frame { display: block; width: 100%; height: 640px; margin-bottom: 30px; border: 1px solid #b1b4b6; }
.app-tlp.govuk-tag { background-color: #000; font-weight: 700; white-space: nowrap; max-width: none; }
${tlpLabels.map((l) => `.app-tlp.${tlpClass(l)} { color: ${tlpColours[l]}; }`).join('\n')}
`;
