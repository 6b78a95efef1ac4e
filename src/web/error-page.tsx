// The page a browser sees for an error: plain words, the request id for support, never a stack trace; in
// the layout of every page (the service menu and the signed-in line stay, so nobody is stranded).
import type { Context } from 'hono';
import type { AppEnv } from '../deps.js';
import type { Problem } from '../errors.js';
import { Layout, page } from './layout.js';
import { layoutFor } from './layout-for.js';

function heading(problem: Problem): string {
  if (problem.status === 404) return 'Page not found';
  if (problem.status === 401) return 'You need to sign in';
  if (problem.status === 403) return 'You cannot view this page';
  if (problem.status === 429) return 'Too many requests';
  if (problem.status >= 500) return 'Sorry, there is a problem with the service';
  return problem.title;
}

export function renderErrorPage(c: Context<AppEnv>, problem: Problem): string {
  const title = heading(problem);
  // A page that does not exist gets the GOV.UK words, not the route it missed.
  const unknownRoute =
    problem.status === 404 &&
    problem.code === 'not_found' &&
    problem.detail?.startsWith('There is no page at');
  return page(
    <Layout title={title} {...layoutFor(c)}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{title}</h1>
          {unknownRoute ? (
            <>
              <p class="govuk-body">If you typed the web address, check it is correct.</p>
              <p class="govuk-body">If you pasted the web address, check you copied the entire address.</p>
            </>
          ) : (
            <p class="govuk-body">{problem.detail}</p>
          )}
          {problem.status === 401 && (
            <p class="govuk-body">
              <a class="govuk-link" href="/sign-in">
                Sign in
              </a>
            </p>
          )}
          {problem.status >= 500 && <p class="govuk-body">Try again later.</p>}
          <p class="govuk-body">
            <a class="govuk-link" href="/">
              Go to the start page
            </a>
          </p>
          {problem.requestId && (
            <p class="govuk-body-s govuk-!-margin-top-6">Reference for support: {problem.requestId}</p>
          )}
        </div>
      </div>
    </Layout>,
  );
}
