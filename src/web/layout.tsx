// The GOV.UK Design System page template every page is rendered in.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { Tag } from './components/tag.js';

export interface NavItem {
  href: string;
  text: string;
  current?: boolean;
  /** Things waiting there (e.g. approvals), shown beside the text. */
  count?: number;
}

export interface LayoutProps {
  title: string;
  serviceName?: string;
  /**
   * The GOV.UK crown and wordmark in the header, and "GOV.UK" in the title: only for a service that
   * policy allows on GOV.UK. Otherwise the header carries the service's own name.
   */
  branding?: boolean;
  nav?: NavItem[];
  signedInAs?: string | null;
  /** A signed-in browser session: the navigation ends with a "Sign out" form carrying this CSRF token. */
  signOut?: { csrfToken: string };
  children?: Child;
}

const footerLinks = [
  { href: '/accessibility', text: 'Accessibility statement' },
  { href: '/privacy', text: 'Privacy notice' },
  { href: '/cookies', text: 'Cookies' },
  { href: '/docs', text: 'API reference' },
  { href: '/.well-known/security.txt', text: 'Report a vulnerability' },
  { href: '/genuine', text: 'Check an e-mail is from us' },
];

export function Layout({
  title,
  serviceName = 'Council cyber contacts',
  branding = false,
  nav = [],
  signedInAs,
  signOut,
  children,
}: LayoutProps) {
  return (
    <html lang="en" class="govuk-template govuk-template--rebranded">
      <head>
        <meta charset="utf-8" />
        <title>{branding ? `${title} – ${serviceName} – GOV.UK` : `${title} – ${serviceName}`}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#1d70b8" />
        <link rel="stylesheet" href="/assets/govuk-frontend.min.css" />
        <link rel="stylesheet" href="/app.css" />
      </head>
      <body class="govuk-template__body">
        <script type="module" src="/app.js" />
        <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">
          Skip to main content
        </a>
        <header class="govuk-header" data-module="govuk-header">
          <div class="govuk-header__container govuk-width-container">
            <div class="govuk-header__logo">
              <a href="/" class="govuk-header__homepage-link">
                {branding ? <GovukLogo /> : <span class="app-header__service-name">{serviceName}</span>}
              </a>
            </div>
          </div>
        </header>
        <section
          aria-label="Service information"
          class="govuk-service-navigation"
          data-module="govuk-service-navigation"
        >
          <div class="govuk-width-container">
            <div class="govuk-service-navigation__container">
              {/* Without the GOV.UK header, the header itself carries the service's name (not twice). */}
              {branding && (
                <span class="govuk-service-navigation__service-name">
                  <a href="/" class="govuk-service-navigation__link">
                    {serviceName}
                  </a>
                </span>
              )}
              {nav.length > 0 && (
                <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
                  <ul class="govuk-service-navigation__list" id="navigation">
                    {nav.map((item) => (
                      <li
                        class={`govuk-service-navigation__item${item.current ? ' govuk-service-navigation__item--active' : ''}`}
                      >
                        <a
                          class="govuk-service-navigation__link"
                          href={item.href}
                          aria-current={item.current ? 'page' : undefined}
                        >
                          {item.text}
                          {item.count ? (
                            <span class="app-nav-count">
                              {' '}
                              {item.count}
                              <span class="govuk-visually-hidden"> waiting</span>
                            </span>
                          ) : null}
                        </a>
                      </li>
                    ))}
                    {signOut && (
                      <li class="govuk-service-navigation__item">
                        <form method="post" action="/sign-out" class="app-nav-form">
                          <input type="hidden" name="_csrf" value={signOut.csrfToken} />
                          <button type="submit" class="govuk-service-navigation__link app-link-button">
                            Sign out
                          </button>
                        </form>
                      </li>
                    )}
                  </ul>
                </nav>
              )}
            </div>
          </div>
        </section>
        <div class="govuk-width-container">
          <section class="govuk-phase-banner" aria-label="Service phase">
            <p class="govuk-phase-banner__content">
              <Tag classes="govuk-phase-banner__content__tag">Beta</Tag>
              <span class="govuk-phase-banner__text">
                {signedInAs ? `Signed in as ${signedInAs}. ` : 'This is a new service. '}
                Help us improve it:{' '}
                <a class="govuk-link" href="/feedback">
                  give your feedback
                </a>
                .
              </span>
            </p>
          </section>
          <main class="govuk-main-wrapper" id="main-content">
            {children}
          </main>
        </div>
        <footer class="govuk-footer">
          <div class="govuk-width-container">
            <div class="govuk-footer__meta">
              <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
                <h2 class="govuk-visually-hidden">Support links</h2>
                <ul class="govuk-footer__inline-list">
                  {footerLinks.map((l) => (
                    <li class="govuk-footer__inline-list-item">
                      <a class="govuk-footer__link" href={l.href}>
                        {l.text}
                      </a>
                    </li>
                  ))}
                </ul>
                <span class="govuk-footer__licence-description">
                  All content is available under the{' '}
                  <a
                    class="govuk-footer__link"
                    href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
                    rel="license"
                  >
                    Open Government Licence v3.0
                  </a>
                  , except where otherwise stated
                </span>
              </div>
              <div class="govuk-footer__meta-item">
                {/* The royal arms above "© Crown copyright" only where the GOV.UK brand may be used. */}
                <a
                  class={branding ? 'govuk-footer__link govuk-footer__copyright-logo' : 'govuk-footer__link'}
                  href="https://www.nationalarchives.gov.uk/information-management/re-using-public-sector-information/uk-government-licensing-framework/crown-copyright/"
                >
                  © Crown copyright
                </a>
              </div>
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** A whole page as an HTML string with its doctype. */
export function page(node: unknown): string {
  return `<!DOCTYPE html>${String(node)}`;
}

/** The GOV.UK logotype (crown and wordmark), as GOV.UK Frontend's header draws it. */
function GovukLogo() {
  return (
    <svg
      focusable="false"
      role="img"
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 324 60"
      height="30"
      width="162"
      fill="currentcolor"
      class="govuk-header__logotype"
      aria-label="GOV.UK"
    >
      {raw(`<title>GOV.UK</title>${logoPaths}`)}
    </svg>
  );
}

const logoPaths =
  '<g> <circle cx="20" cy="17.6" r="3.7"/> <circle cx="10.2" cy="23.5" r="3.7"/> <circle cx="3.7" cy="33.2" r="3.7"/> <circle cx="31.7" cy="30.6" r="3.7"/> <circle cx="43.3" cy="17.6" r="3.7"/> <circle cx="53.2" cy="23.5" r="3.7"/> <circle cx="59.7" cy="33.2" r="3.7"/> <circle cx="31.7" cy="30.6" r="3.7"/> <path d="M33.1,9.8c.2-.1.3-.3.5-.5l4.6,2.4v-6.8l-4.6,1.5c-.1-.2-.3-.3-.5-.5l1.9-5.9h-6.7l1.9,5.9c-.2.1-.3.3-.5.5l-4.6-1.5v6.8l4.6-2.4c.1.2.3.3.5.5l-2.6,8c-.9,2.8,1.2,5.7,4.1,5.7h0c3,0,5.1-2.9,4.1-5.7l-2.6-8ZM37,37.9s-3.4,3.8-4.1,6.1c2.2,0,4.2-.5,6.4-2.8l-.7,8.5c-2-2.8-4.4-4.1-5.7-3.8.1,3.1.5,6.7,5.8,7.2,3.7.3,6.7-1.5,7-3.8.4-2.6-2-4.3-3.7-1.6-1.4-4.5,2.4-6.1,4.9-3.2-1.9-4.5-1.8-7.7,2.4-10.9,3,4,2.6,7.3-1.2,11.1,2.4-1.3,6.2,0,4,4.6-1.2-2.8-3.7-2.2-4.2.2-.3,1.7.7,3.7,3,4.2,1.9.3,4.7-.9,7-5.9-1.3,0-2.4.7-3.9,1.7l2.4-8c.6,2.3,1.4,3.7,2.2,4.5.6-1.6.5-2.8,0-5.3l5,1.8c-2.6,3.6-5.2,8.7-7.3,17.5-7.4-1.1-15.7-1.7-24.5-1.7h0c-8.8,0-17.1.6-24.5,1.7-2.1-8.9-4.7-13.9-7.3-17.5l5-1.8c-.5,2.5-.6,3.7,0,5.3.8-.8,1.6-2.3,2.2-4.5l2.4,8c-1.5-1-2.6-1.7-3.9-1.7,2.3,5,5.2,6.2,7,5.9,2.3-.4,3.3-2.4,3-4.2-.5-2.4-3-3.1-4.2-.2-2.2-4.6,1.6-6,4-4.6-3.7-3.7-4.2-7.1-1.2-11.1,4.2,3.2,4.3,6.4,2.4,10.9,2.5-2.8,6.3-1.3,4.9,3.2-1.8-2.7-4.1-1-3.7,1.6.3,2.3,3.3,4.1,7,3.8,5.4-.5,5.7-4.2,5.8-7.2-1.3-.2-3.7,1-5.7,3.8l-.7-8.5c2.2,2.3,4.2,2.7,6.4,2.8-.7-2.3-4.1-6.1-4.1-6.1h10.6,0Z"/> </g> <circle class="govuk-logo-dot" cx="226" cy="36" r="7.3"/> <path d="M93.94 41.25c.4 1.81 1.2 3.21 2.21 4.62 1 1.4 2.21 2.41 3.61 3.21s3.21 1.2 5.22 1.2 3.61-.4 4.82-1c1.4-.6 2.41-1.4 3.21-2.41.8-1 1.4-2.01 1.61-3.01s.4-2.01.4-3.01v.14h-10.86v-7.02h20.07v24.08h-8.03v-5.56c-.6.8-1.38 1.61-2.19 2.41-.8.8-1.81 1.2-2.81 1.81-1 .4-2.21.8-3.41 1.2s-2.41.4-3.81.4a18.56 18.56 0 0 1-14.65-6.63c-1.6-2.01-3.01-4.41-3.81-7.02s-1.4-5.62-1.4-8.83.4-6.02 1.4-8.83a20.45 20.45 0 0 1 19.46-13.65c3.21 0 4.01.2 5.82.8 1.81.4 3.61 1.2 5.02 2.01 1.61.8 2.81 2.01 4.01 3.21s2.21 2.61 2.81 4.21l-7.63 4.41c-.4-1-1-1.81-1.61-2.61-.6-.8-1.4-1.4-2.21-2.01-.8-.6-1.81-1-2.81-1.4-1-.4-2.21-.4-3.61-.4-2.01 0-3.81.4-5.22 1.2-1.4.8-2.61 1.81-3.61 3.21s-1.61 2.81-2.21 4.62c-.4 1.81-.6 3.71-.6 5.42s.8 5.22.8 5.22Zm57.8-27.9c3.21 0 6.22.6 8.63 1.81 2.41 1.2 4.82 2.81 6.62 4.82S170.2 24.39 171 27s1.4 5.62 1.4 8.83-.4 6.02-1.4 8.83-2.41 5.02-4.01 7.02-4.01 3.61-6.62 4.82-5.42 1.81-8.63 1.81-6.22-.6-8.63-1.81-4.82-2.81-6.42-4.82-3.21-4.41-4.01-7.02-1.4-5.62-1.4-8.83.4-6.02 1.4-8.83 2.41-5.02 4.01-7.02 4.01-3.61 6.42-4.82 5.42-1.81 8.63-1.81Zm0 36.73c1.81 0 3.61-.4 5.02-1s2.61-1.81 3.61-3.01 1.81-2.81 2.21-4.41c.4-1.81.8-3.61.8-5.62 0-2.21-.2-4.21-.8-6.02s-1.2-3.21-2.21-4.62c-1-1.2-2.21-2.21-3.61-3.01s-3.21-1-5.02-1-3.61.4-5.02 1c-1.4.8-2.61 1.81-3.61 3.01s-1.81 2.81-2.21 4.62c-.4 1.81-.8 3.61-.8 5.62 0 2.41.2 4.21.8 6.02.4 1.81 1.2 3.21 2.21 4.41s2.21 2.21 3.61 3.01c1.4.8 3.21 1 5.02 1Zm36.32 7.96-12.24-44.15h9.83l8.43 32.77h.4l8.23-32.77h9.83L200.3 58.04h-12.24Zm74.14-7.96c2.18 0 3.51-.6 3.51-.6 1.2-.6 2.01-1 2.81-1.81s1.4-1.81 1.81-2.81a13 13 0 0 0 .8-4.01V13.9h8.63v28.15c0 2.41-.4 4.62-1.4 6.62-.8 2.01-2.21 3.61-3.61 5.02s-3.41 2.41-5.62 3.21-4.62 1.2-7.02 1.2-5.02-.4-7.02-1.2c-2.21-.8-4.01-1.81-5.62-3.21s-2.81-3.01-3.61-5.02-1.4-4.21-1.4-6.62V13.9h8.63v26.95c0 1.61.2 3.01.8 4.01.4 1.2 1.2 2.21 2.01 2.81.8.8 1.81 1.4 2.81 1.81 0 0 1.34.6 3.51.6Zm34.22-36.18v18.92l15.65-18.92h10.82l-15.03 17.32 16.03 26.83h-10.21l-11.44-20.21-5.62 6.22v13.99h-8.83V13.9"/>';
