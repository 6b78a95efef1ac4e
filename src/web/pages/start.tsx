// GET /: what the service is, the start button, the way in for councils already registered, and the
// fingerprint of the key that signs our advisories.
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { PUBLIC_KEY_PATH, serviceKeyState } from '../../features/openpgp/service-key.js';
import { Button } from '../components/button.js';
import { renderPage } from './render.js';
import { SigningKeyNotice } from './signing-key-notice.js';

export function startRoutes() {
  const router = new Hono<AppEnv>();
  router.get('/', async (c) => {
    const key = await serviceKeyState(c.var.deps);
    return renderPage(
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
          <Button href="/register" start>
            Register your council’s mailbox
          </Button>
          <h2 class="govuk-heading-m">Already registered</h2>
          <p class="govuk-body">
            <a class="govuk-link" href="/sign-in">
              Sign in
            </a>{' '}
            to see your council’s mailboxes, send a confirmation again or remove a mailbox.
          </p>
          <h2 class="govuk-heading-m">Received an advisory you were not expecting?</h2>
          <p class="govuk-body">
            <a class="govuk-link" href="/genuine">
              Check that an e-mail is really from us
            </a>{' '}
            before you act on it.
          </p>
          <SigningKeyNotice keys={key.status === 'ready' ? key.keys : null} keyUrl={PUBLIC_KEY_PATH} />
        </div>
      </div>,
    );
  });
  return router;
}
