// Reading stored checks: the latest result of each kind for a set of domains (with the latest definite
// one beside a temporary result, so a passing DNS hiccup hides nothing), and a domain's history.

import { and, desc, eq, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { domainChecks } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { CheckKind, Finding, Severity } from './findings.js';

export interface StoredCheck {
  kind: CheckKind;
  severity: Severity;
  summary: string;
  detail: ({ findings?: Finding[] } & Record<string, unknown>) | null;
  checkedAt: Date;
  /** When this result is temporary: the latest result that was not, if any. */
  lastDefinite?: StoredCheck;
}

export type LatestChecks = Partial<Record<CheckKind, StoredCheck>>;

type Row = typeof domainChecks.$inferSelect;

const toStored = (r: Row): StoredCheck => ({
  kind: r.kind,
  severity: r.severity,
  summary: r.summary,
  detail: (r.detail as StoredCheck['detail']) ?? null,
  checkedAt: r.checkedAt,
});

async function latestRows(deps: Pick<Deps, 'db'>, domains: string[], definiteOnly: boolean) {
  const definite = definiteOnly ? sql`and x.severity <> 'temporary'` : sql``;
  const rows: Row[] = await deps.db
    .select()
    .from(domainChecks)
    .where(
      and(
        inList(domainChecks.domain, domains),
        sql`${domainChecks.id} = (select max(x.id) from domain_checks x where x.domain = ${domainChecks.domain} and x.kind = ${domainChecks.kind} ${definite})`,
      ),
    );
  return rows;
}

/** The latest check of each kind for each domain (domains never checked are absent from the map). */
export async function latestChecksFor(
  deps: Pick<Deps, 'db'>,
  domains: Iterable<string>,
): Promise<Map<string, LatestChecks>> {
  const list = [...new Set([...domains].map((d) => d.toLowerCase()))];
  const out = new Map<string, LatestChecks>();
  if (list.length === 0) return out;
  for (const r of await latestRows(deps, list, false)) {
    const checks = out.get(r.domain) ?? {};
    checks[r.kind] = toStored(r);
    out.set(r.domain, checks);
  }
  const withTemporary = [...out].filter(([, c]) => Object.values(c).some((x) => x?.severity === 'temporary'));
  if (withTemporary.length) {
    for (const r of await latestRows(
      deps,
      withTemporary.map(([d]) => d),
      true,
    )) {
      const current = out.get(r.domain)?.[r.kind];
      if (current?.severity === 'temporary') current.lastDefinite = toStored(r);
    }
  }
  return out;
}

/** Every stored result for one domain, newest first. */
export async function checkHistory(deps: Pick<Deps, 'db'>, domain: string, limit: number) {
  const rows = await deps.db
    .select()
    .from(domainChecks)
    .where(eq(domainChecks.domain, domain))
    .orderBy(desc(domainChecks.checkedAt), desc(domainChecks.id))
    .limit(limit);
  return rows.map(toStored);
}

/** When each domain was last checked (any kind); absent when never. */
export async function lastCheckedAt(deps: Pick<Deps, 'db'>, domains: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (domains.length === 0) return out;
  const rows = await deps.db
    .select({ domain: domainChecks.domain, at: sql<number>`max(${domainChecks.checkedAt})` })
    .from(domainChecks)
    .where(inList(domainChecks.domain, domains))
    .groupBy(domainChecks.domain);
  for (const r of rows) out.set(r.domain, Number(r.at));
  return out;
}

export interface CheckView {
  kind: CheckKind;
  severity: Severity;
  summary: string;
  findings: Finding[];
  detail: Record<string, unknown>;
  checkedAt: string;
  lastDefinite?: CheckView;
}

export function checkView(c: StoredCheck): CheckView {
  const { findings = [], ...detail } = c.detail ?? {};
  return {
    kind: c.kind,
    severity: c.severity,
    summary: c.summary,
    findings,
    detail,
    checkedAt: c.checkedAt.toISOString(),
    ...(c.lastDefinite ? { lastDefinite: checkView(c.lastDefinite) } : {}),
  };
}
