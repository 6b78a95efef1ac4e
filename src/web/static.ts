// The service's own script and stylesheet: small enough to live in code, so both runtimes serve them.
export const appJs = `document.body.classList.add('js-enabled', 'govuk-frontend-supported');
import('/assets/govuk-frontend.min.js').then((m) => m.initAll()).catch(() => {});
`;

export const appCss = `.app-table--compact .govuk-table__cell, .app-table--compact .govuk-table__header { padding: 6px 10px 6px 0; }
.app-code { font-family: monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.app-pre { white-space: pre-wrap; overflow-x: auto; background: #f3f2f1; padding: 10px; font-size: 14px; }
`;
