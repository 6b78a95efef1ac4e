// The GOV.UK Design System page template every page is rendered in.
import type { Child } from 'hono/jsx';

export interface NavItem {
  href: string;
  text: string;
  current?: boolean;
}

export interface LayoutProps {
  title: string;
  serviceName?: string;
  nav?: NavItem[];
  signedInAs?: string | null;
  children?: Child;
}

export function Layout({
  title,
  serviceName = 'Council cyber contacts',
  nav = [],
  signedInAs,
  children,
}: LayoutProps) {
  return (
    <html lang="en" class="govuk-template govuk-template--rebranded">
      <head>
        <meta charset="utf-8" />
        <title>{`${title} – ${serviceName} – GOV.UK`}</title>
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
              <a href="/" class="govuk-header__link govuk-header__link--homepage">
                <span class="govuk-header__logotype-text">GOV.UK</span>
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
              <span class="govuk-service-navigation__service-name">
                <a href="/" class="govuk-service-navigation__link">
                  {serviceName}
                </a>
              </span>
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
                        </a>
                      </li>
                    ))}
                  </ul>
                </nav>
              )}
            </div>
          </div>
        </section>
        <div class="govuk-width-container">
          <div class="govuk-phase-banner">
            <p class="govuk-phase-banner__content">
              <strong class="govuk-tag govuk-phase-banner__content__tag">Beta</strong>
              <span class="govuk-phase-banner__text">
                {signedInAs ? `Signed in as ${signedInAs}.` : 'This is a new service.'}
              </span>
            </p>
          </div>
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
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/docs">
                      API reference
                    </a>
                  </li>
                  <li class="govuk-footer__inline-list-item">
                    <a class="govuk-footer__link" href="/.well-known/security.txt">
                      Security
                    </a>
                  </li>
                </ul>
                <span class="govuk-footer__licence-description">
                  All content is available under the Open Government Licence v3.0, except where otherwise
                  stated
                </span>
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
