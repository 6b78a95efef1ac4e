// The pages every GOV.UK service has: the accessibility statement, the privacy notice (the service holds
// names, phone numbers and addresses), the cookies it sets (only those it needs), and how to give feedback.
// Public: linked from the footer and the phase banner of every page.
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { SESSION_COOKIE } from '../../features/auth/sessions.js';
import { browserCookieName } from '../../lib/browser-cookie.js';
import { CSRF_COOKIE } from '../../middleware/csrf.js';
import { Table } from '../components/table.js';
import { renderPage } from './render.js';

/** When these statements were last reviewed (shown on them). */
const REVIEWED = '5 December 2026';

function Contact({ address }: { address?: string }) {
  if (!address)
    return (
      <p class="govuk-body">
        Contact the NCSC team that runs this service through your usual NCSC or WARP contact.
      </p>
    );
  return (
    <p class="govuk-body">
      E-mail{' '}
      <a class="govuk-link" href={`mailto:${address}`}>
        {address}
      </a>
      . We reply within 5 working days.
    </p>
  );
}

function Page({ title, children }: { title: string; children?: unknown }) {
  return (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <h1 class="govuk-heading-l">{title}</h1>
        {children}
        <p class="govuk-body-s govuk-!-margin-top-8">Last reviewed on {REVIEWED}.</p>
      </div>
    </div>
  );
}

export function serviceInfoPages() {
  const router = new Hono<AppEnv>();

  router.get('/accessibility', (c) => {
    const name = c.var.deps.config.SERVICE_NAME;
    const title = `Accessibility statement for ${name}`;
    return renderPage(
      c,
      { title },
      <Page title={title}>
        <p class="govuk-body">
          This statement applies to the {name} service: registering a council’s cyber security mailbox,
          confirming it, signing in, and the pages NCSC and WARP staff use to follow coverage and send
          advisories.
        </p>
        <p class="govuk-body">
          We want as many people as possible to be able to use it. You should be able to change colours,
          contrast levels and fonts, zoom in up to 400% without the text spilling off the screen, navigate the
          whole service using just a keyboard or speech recognition software, and listen to it using a screen
          reader. Every page works without JavaScript.
        </p>
        <h2 class="govuk-heading-m">How accessible this service is</h2>
        <p class="govuk-body">We know some parts are not fully accessible:</p>
        <ul class="govuk-list govuk-list--bullet">
          <li>the coverage charts are pictures: the table under each chart gives every number it shows</li>
          <li>an advisory’s e-mail preview shows the e-mail in a frame, as a mail program would</li>
        </ul>
        <h2 class="govuk-heading-m">Feedback and contact information</h2>
        <p class="govuk-body">
          If you need information in a different format, or find a problem not listed here, tell us.
        </p>
        <Contact address={c.var.deps.config.SUPPORT_ADDRESS} />
        <h2 class="govuk-heading-m">Enforcement procedure</h2>
        <p class="govuk-body">
          The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector
          Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not
          happy with how we respond to your complaint, contact the{' '}
          <a class="govuk-link" href="https://www.equalityadvisoryservice.com/">
            Equality Advisory and Support Service (EASS)
          </a>
          .
        </p>
        <h2 class="govuk-heading-m">Technical information about this service’s accessibility</h2>
        <p class="govuk-body">
          This service is partially compliant with the{' '}
          <a class="govuk-link" href="https://www.w3.org/TR/WCAG22/">
            Web Content Accessibility Guidelines version 2.2
          </a>{' '}
          AA standard, because of the parts listed above. It is built with the GOV.UK Design System, and every
          page is checked with automated accessibility tests (axe-core, WCAG 2.2 A and AA) at desktop and
          phone widths each time the service changes. It has not yet been audited by an accessibility
          specialist.
        </p>
      </Page>,
    );
  });

  router.get('/privacy', (c) => {
    const title = 'Privacy notice';
    return renderPage(
      c,
      { title },
      <Page title={title}>
        <p class="govuk-body">
          The National Cyber Security Centre (NCSC) runs this service so that it can reach every local
          authority’s cyber security team in an incident. This notice says what personal data it holds, why,
          and for how long.
        </p>
        <h2 class="govuk-heading-m">What we hold</h2>
        <ul class="govuk-list govuk-list--bullet">
          <li>
            each council’s cyber security mailbox addresses, the team’s name and a phone number, as the
            council registered them
          </li>
          <li>the name or team a person gives when they acknowledge an advisory</li>
          <li>the names and work e-mail addresses of NCSC and WARP staff who use the service</li>
          <li>
            a record of each change (who made it, when, and the internet address it came from), for security
          </li>
        </ul>
        <h2 class="govuk-heading-m">Why we hold it</h2>
        <p class="govuk-body">
          To send security advisories and warnings to councils, to prove that each mailbox is read, and to
          show which councils have no mailbox registered. The lawful basis is the performance of a task in the
          public interest (UK GDPR article 6(1)(e)).
        </p>
        <h2 class="govuk-heading-m">Who sees it</h2>
        <p class="govuk-body">
          NCSC administrators; the operators of a council’s Warning, Advice and Reporting Point (WARP), for
          its member councils only; and each council, for its own mailboxes. We do not sell or share it with
          anyone else.
        </p>
        <h2 class="govuk-heading-m">How long we keep it</h2>
        <p class="govuk-body">
          A mailbox’s details while it is registered; a removed mailbox’s address stays in the record of
          changes. Sign-in sessions end after a few hours. The record of changes is kept for as long as the
          service runs, for security.
        </p>
        <h2 class="govuk-heading-m">Your rights</h2>
        <p class="govuk-body">
          You can ask to see, correct or remove the data we hold about you. If you are unhappy with how we use
          it, you can complain to the{' '}
          <a class="govuk-link" href="https://ico.org.uk/make-a-complaint/">
            Information Commissioner’s Office
          </a>
          .
        </p>
        <h2 class="govuk-heading-m">Contact</h2>
        <Contact address={c.var.deps.config.SUPPORT_ADDRESS} />
      </Page>,
    );
  });

  router.get('/cookies', (c) => {
    const title = 'Cookies';
    const hours = c.var.deps.config.SESSION_TTL_HOURS;
    return renderPage(
      c,
      { title },
      <Page title={title}>
        <p class="govuk-body">
          This service puts small files (cookies) on your device only when they are needed for it to work. It
          sets no analytics or advertising cookies, so it does not ask for your consent.
        </p>
        <Table
          caption="Essential cookies"
          columns={['Name', 'Purpose', 'Expires']}
          rows={[
            [SESSION_COOKIE, 'Keeps you signed in', `After ${hours} hours, or when you sign out`],
            [CSRF_COOKIE, 'Checks that forms were sent from this service', 'When you close your browser'],
            ['cc_next', 'Takes you to the page you asked for once you have signed in', 'After 15 minutes'],
            [
              browserCookieName(c.var.deps.config.PUBLIC_BASE_URL),
              'Makes a sign-in link or passkey request work only in the browser that asked for it',
              'After 24 hours',
            ],
          ]}
        />
      </Page>,
    );
  });

  router.get('/feedback', (c) => {
    const title = 'Give feedback';
    return renderPage(
      c,
      { title },
      <Page title={title}>
        <p class="govuk-body">
          Tell us what works and what does not: it helps us improve the service for council security teams,
          WARP operators and the NCSC.
        </p>
        <Contact address={c.var.deps.config.SUPPORT_ADDRESS} />
        <p class="govuk-body">
          To report a security vulnerability in the service, follow its{' '}
          <a class="govuk-link" href="/.well-known/security.txt">
            security policy
          </a>{' '}
          instead.
        </p>
      </Page>,
    );
  });

  return router;
}
