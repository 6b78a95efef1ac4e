// Looks up one authority by code (case-insensitive): the row, or the full view with domains and lineage.

import { asc, eq } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { authorities, authorityDomains, authoritySuccessors, warps } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import { normaliseAuthorityCode } from '../../domain/authority-code.js';
import { AppError } from '../../errors.js';
import {
  type AuthorityRow,
  type AuthorityStatus,
  type AuthoritySummary,
  authorityColumns,
  statusOf,
  toAuthoritySummary,
} from './authority-view.js';

export interface AuthorityLink {
  code: string;
  /** Null when the code is not (yet) in the register. */
  name: string | null;
  status: AuthorityStatus | null;
}

export interface AuthorityDetail extends AuthoritySummary {
  domains: string[];
  successors: AuthorityLink[];
  predecessors: AuthorityLink[];
}

/** The authority's register row, or undefined when there is no such code. */
export async function findAuthority(deps: Deps, code: string): Promise<AuthorityRow | undefined> {
  const [row] = await deps.db
    .select(authorityColumns(authorities))
    .from(authorities)
    .where(eq(authorities.code, normaliseAuthorityCode(code)))
    .limit(1);
  return row;
}

/**
 * As findAuthority, but an unknown code is an error: 404, or, when the code came in a form or body field
 * (`field`), a validation error on that field.
 */
export async function requireAuthority(
  deps: Deps,
  code: string,
  options: { field?: string } = {},
): Promise<AuthorityRow> {
  const row = await findAuthority(deps, code);
  if (row) return row;
  if (options.field)
    throw new AppError('validation_failed', `There is no council with the code "${code}".`, {
      errors: [{ path: options.field, message: 'Choose the council from the list' }],
    });
  throw new AppError('not_found', `There is no authority with code "${code}".`);
}

/** Names of the authorities with these codes (any status), for labelling lists; unknown codes are left out. */
export async function authorityNames(deps: Deps, codes: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set([...codes].map(normaliseAuthorityCode))];
  if (wanted.length === 0) return new Map();
  const rows = await deps.db
    .select({ code: authorities.code, name: authorities.name })
    .from(authorities)
    .where(inList(authorities.code, wanted));
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The names of every current authority, by name (the registration form's list of councils). */
export async function currentAuthorityNames(deps: Deps): Promise<string[]> {
  const rows = await deps.db
    .select({ name: authorities.name })
    .from(authorities)
    .where(eq(authorities.current, true))
    .orderBy(asc(authorities.name));
  return rows.map((r) => r.name);
}

/** The authority's domains, sorted. */
export async function listAuthorityDomains(deps: Deps, code: string): Promise<string[]> {
  const rows = await deps.db
    .select({ domain: authorityDomains.domain })
    .from(authorityDomains)
    .where(eq(authorityDomains.authorityCode, normaliseAuthorityCode(code)))
    .orderBy(asc(authorityDomains.domain));
  return rows.map((r) => r.domain);
}

const link = (
  code: string,
  name: string | null,
  current: boolean | null,
  shadow: boolean | null = false,
): AuthorityLink => ({
  code,
  name,
  status: current === null ? null : statusOf(current, shadow ?? false),
});

/** The full authority object: WARP, domains, successors and predecessors (four indexed queries). */
export async function getAuthority(deps: Deps, code: string): Promise<AuthorityDetail> {
  const key = normaliseAuthorityCode(code);
  const { db } = deps;
  const [[row], domains, successors, predecessors] = await Promise.all([
    db
      .select({ ...authorityColumns(authorities), warpName: warps.name })
      .from(authorities)
      .leftJoin(warps, eq(warps.id, authorities.warpId))
      .where(eq(authorities.code, key))
      .limit(1),
    listAuthorityDomains(deps, key),
    db
      .select({
        code: authoritySuccessors.successor,
        name: authorities.name,
        current: authorities.current,
        shadow: authorities.shadow,
      })
      .from(authoritySuccessors)
      .leftJoin(authorities, eq(authorities.code, authoritySuccessors.successor))
      .where(eq(authoritySuccessors.code, key))
      .orderBy(asc(authoritySuccessors.successor)),
    db
      .select({ code: authoritySuccessors.code, name: authorities.name, current: authorities.current })
      .from(authoritySuccessors)
      .innerJoin(authorities, eq(authorities.code, authoritySuccessors.code))
      .where(eq(authoritySuccessors.successor, key))
      .orderBy(asc(authoritySuccessors.code)),
  ]);
  if (!row) throw new AppError('not_found', `There is no authority with code "${code}".`);
  return {
    ...toAuthoritySummary(row, row.warpName),
    domains,
    successors: successors.map((s) => link(s.code, s.name, s.current, s.shadow)),
    predecessors: predecessors.map((p) => link(p.code, p.name, p.current)),
  };
}

/** The authorities that list this mail domain as theirs (none, usually one). */
export async function domainOwners(
  deps: Deps,
  domain: string,
): Promise<Array<{ code: string; name: string }>> {
  return deps.db
    .select({ code: authorities.code, name: authorities.name })
    .from(authorityDomains)
    .innerJoin(authorities, eq(authorities.code, authorityDomains.authorityCode))
    .where(eq(authorityDomains.domain, domain.toLowerCase()))
    .orderBy(asc(authorities.name));
}
