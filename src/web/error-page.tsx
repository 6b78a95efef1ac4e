// The page a browser sees for an error: plain words, the request id for support, never a stack trace.
import type { Problem } from '../errors.js';
import { Layout, page } from './layout.js';

export function renderErrorPage(problem: Problem): string {
  const heading =
    problem.status === 404
      ? 'Page not found'
      : problem.status === 401
        ? 'You need to sign in'
        : problem.status === 403
          ? 'You cannot view this page'
          : problem.status >= 500
            ? 'Sorry, there is a problem with the service'
            : problem.title;
  return page(
    <Layout title={heading}>
      <h1 class="govuk-heading-l">{heading}</h1>
      <p class="govuk-body">{problem.detail}</p>
      {problem.status === 401 && (
        <p class="govuk-body">
          <a class="govuk-link" href="/sign-in">
            Sign in
          </a>
        </p>
      )}
      {problem.requestId && (
        <p class="govuk-body-s govuk-!-margin-top-6">Reference for support: {problem.requestId}</p>
      )}
    </Layout>,
  );
}
