// The audit-log page and its CSV download (admins only, by the policy table). The filters are a GET form, so
// a filtered view is a link that can be shared or bookmarked; the CSV takes the same filters.
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../../deps.js';
import { ukWallClock } from '../../domain/uk-time.js';
import { type AuditFilter, auditCsv, auditPage, auditVocabulary } from '../../features/audit/browse.js';
import { type AuditFormValues, AuditPage, auditTitle } from './audit.js';
import { renderPage, summaryOf } from './render.js';

type Day = AuditFormValues['from'];

/** The start of a UK calendar day given as form fields, a day later with `after`; null when not a date. */
function dayStart(d: Day, after = false): Date | null | 'invalid' {
  if (!d.day && !d.month && !d.year) return null;
  const [day, month, year] = [d.day, d.month, d.year].map((v) =>
    /^\d{1,4}$/.test(v.trim()) ? Number(v) : NaN,
  );
  if (!year || year < 2000 || year > 2100) return 'invalid';
  const start = ukWallClock(year, month ?? NaN, day ?? NaN, 0, 0);
  if (!start) return 'invalid';
  if (!after) return start;
  const next = new Date(Date.UTC(year, (month ?? 1) - 1, (day ?? 1) + 1));
  return ukWallClock(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0) ?? 'invalid';
}

const text = (c: Context<AppEnv>, name: string, max = 200) => (c.req.query(name) ?? '').trim().slice(0, max);

/** The form's values from the query string, the filter they make, and what is wrong with them. */
function read(c: Context<AppEnv>) {
  const values: AuditFormValues = {
    actor: text(c, 'actor'),
    subjectType: text(c, 'subjectType', 50),
    subject: text(c, 'subject'),
    action: text(c, 'action', 100),
    from: { day: text(c, 'fromDay', 4), month: text(c, 'fromMonth', 4), year: text(c, 'fromYear', 4) },
    to: { day: text(c, 'toDay', 4), month: text(c, 'toMonth', 4), year: text(c, 'toYear', 4) },
  };
  const errors: Record<string, string> = {};
  const from = dayStart(values.from);
  const to = dayStart(values.to, true);
  if (from === 'invalid') errors.from = 'The “from” date must be a real date, such as 27 3 2026';
  if (to === 'invalid') errors.to = 'The “to” date must be a real date, such as 31 3 2026';
  if (from instanceof Date && to instanceof Date && to <= from)
    errors.to = 'The “to” date must be the same as or after the “from” date';
  const filter: AuditFilter = {
    actor: values.actor || undefined,
    subjectType: values.subjectType || undefined,
    subject: values.subject || undefined,
    action: values.action || undefined,
    from: from instanceof Date ? from : undefined,
    to: to instanceof Date ? to : undefined,
  };
  return { values, filter, errors };
}

/** The query string of the form's values (and a page), for links that keep the filters. */
function queryOf(values: AuditFormValues, extra: Record<string, string> = {}) {
  const q = new URLSearchParams();
  const put = (k: string, v: string) => v && q.set(k, v);
  put('actor', values.actor);
  put('subjectType', values.subjectType);
  put('subject', values.subject);
  put('action', values.action);
  for (const [prefix, d] of [
    ['from', values.from],
    ['to', values.to],
  ] as const) {
    put(`${prefix}Day`, d.day);
    put(`${prefix}Month`, d.month);
    put(`${prefix}Year`, d.year);
  }
  for (const [k, v] of Object.entries(extra)) put(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function auditPageRoutes() {
  const router = new Hono<AppEnv>();

  router.get('/audit', async (c) => {
    const { values, filter, errors } = read(c);
    const failed = Object.keys(errors).length > 0;
    const before = Number(c.req.query('before') ?? '');
    const page = failed
      ? { entries: [], next: null }
      : await auditPage(c.var.deps, filter, {
          before: Number.isSafeInteger(before) && before > 0 ? before : undefined,
        });
    const vocabulary = await auditVocabulary(c.var.deps);
    return renderPage(
      c,
      { title: auditTitle, hasErrors: failed, status: failed ? 422 : 200 },
      <AuditPage
        values={values}
        errors={errors}
        summary={summaryOf(errors, ['from', 'to']).map((e) => ({ ...e, field: `${e.field}-day` }))}
        actions={vocabulary.actions}
        subjectTypes={vocabulary.subjectTypes}
        entries={page.entries}
        nextHref={page.next ? `/audit${queryOf(values, { before: String(page.next) })}` : null}
        firstHref={c.req.query('before') ? `/audit${queryOf(values)}` : null}
        csvHref={`/audit.csv${queryOf(values)}`}
      />,
    );
  });

  router.get('/audit.csv', async (c) => {
    const { filter, errors } = read(c);
    if (Object.keys(errors).length)
      return c.text(`${Object.values(errors).join('\n')}\n`, 422, { 'Cache-Control': 'no-store' });
    const csv = await auditCsv(c.var.deps, filter);
    return c.body(csv.text, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="audit-log.csv"',
      'Cache-Control': 'no-store',
      'X-Total-Rows': String(csv.count),
      ...(csv.truncated ? { 'X-Truncated': 'true' } : {}),
    });
  });

  return router;
}
