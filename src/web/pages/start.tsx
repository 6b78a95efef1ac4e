// GET /: what the service is, the start button, and the way in for councils already registered.
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { renderPage } from './render.js';

export function startRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/', (c) =>
    renderPage(
      c,
      { title: 'Register your council’s cyber security mailbox' },
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-xl">Register your council’s cyber security mailbox</h1>
          <p class="govuk-body">
            Use this service to give the National Cyber Security Centre (NCSC) and your regional WARP a
            dedicated mailbox they can always reach when something happens: a warning about an attack, a
            vulnerability in software you use, or advice you need to act on.
          </p>
          <p class="govuk-body">You will need:</p>
          <ul class="govuk-list govuk-list--bullet">
            <li>the name of your council</li>
            <li>a shared team mailbox on one of the council’s own domains, not a person’s own address</li>
            <li>a phone number for the team that reads the mailbox</li>
          </ul>
          <p class="govuk-body">
            We send a link to the mailbox. It starts receiving advisories once someone follows the link.
          </p>
          <a
            href="/register"
            draggable="false"
            class="govuk-button govuk-button--start"
            data-module="govuk-button"
          >
            Register your council’s mailbox
            <svg
              class="govuk-button__start-icon"
              xmlns="http://www.w3.org/2000/svg"
              width="17.5"
              height="19"
              viewBox="0 0 33 40"
              aria-hidden="true"
              focusable="false"
            >
              <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
            </svg>
          </a>
          <h2 class="govuk-heading-m">Already registered</h2>
          <p class="govuk-body">
            <a class="govuk-link" href="/sign-in">
              Sign in
            </a>{' '}
            to see your council’s mailboxes, send a confirmation again or remove a mailbox.
          </p>
        </div>
      </div>,
    ),
  );
  return router;
}
