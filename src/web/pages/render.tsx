// Renders a page in the layout with the navigation for the current principal, and reads form fields.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../deps.js';
import { AppError } from '../../errors.js';
import { approvalsWaiting } from '../../features/advisories/approval-notice.js';
import type { SummaryError } from '../components/error-summary.js';
import { Layout, page } from '../layout.js';
import { layoutFor } from '../layout-for.js';

export interface PageOptions {
  title: string;
  /** The form on the page has errors: the title starts "Error: ". */
  hasErrors?: boolean;
  status?: ContentfulStatusCode;
}

export async function renderPage(c: Context<AppEnv>, options: PageOptions, body: Child) {
  const principal = c.var.principal;
  c.header('Cache-Control', 'no-store');
  // An admin's menu shows how many approvals wait (advisories for a second admin, mailboxes to review).
  const waiting = principal?.role === 'admin' ? await approvalsWaiting(c.var.deps) : null;
  return c.html(
    page(
      <Layout
        title={options.hasErrors ? `Error: ${options.title}` : options.title}
        {...layoutFor(c, {
          approvals: waiting ? waiting.advisories + waiting.mailboxes + waiting.registerImports : 0,
        })}
      >
        {body}
      </Layout>,
    ),
    options.status ?? 200,
  );
}

/** A text field of the submitted form ('' when absent or a file). */
export async function formFields(c: Context<AppEnv>): Promise<(name: string) => string> {
  const type = c.req.header('content-type') ?? '';
  const form =
    type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')
      ? await c.req.parseBody()
      : {};
  return (name) => {
    const value = form[name];
    return typeof value === 'string' ? value : '';
  };
}

/** Field errors in the order the fields appear on the page, for the error summary. */
export function summaryOf(errors: Record<string, string | undefined>, order: string[] = []): SummaryError[] {
  const fields = [
    ...order.filter((f) => f in errors),
    ...Object.keys(errors).filter((f) => !order.includes(f)),
  ];
  return fields.flatMap((field) => (errors[field] ? [{ field, text: errors[field] }] : []));
}

/** An AppError the page shows in its error summary (the others go to the error page). */
export function pageError(err: unknown, codes: AppError['code'][]): AppError | null {
  return err instanceof AppError && codes.includes(err.code) ? err : null;
}

/** What the action gave, or the AppError it failed with when the page shows that code (others are thrown). */
export async function orPageError<T>(codes: AppError['code'][], action: Promise<T>): Promise<T | AppError> {
  try {
    return await action;
  } catch (err) {
    const known = pageError(err, codes);
    if (!known) throw err;
    return known;
  }
}

export function statusOf(err: AppError): ContentfulStatusCode {
  return err.status as ContentfulStatusCode;
}
