// Admin edits to an authority's e-mail domains: each change and its audit entry in one atomic batch.
import { and, eq } from 'drizzle-orm';
import { authorityDomains } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { auditEntry } from '../audit/record.js';
import { listAuthorityDomains, requireAuthority } from './get-authority.js';
import { normaliseDomain, tryNormaliseDomain } from './normalise-domain.js';

export interface AuthorityDomainsResult {
  code: string;
  domains: string[];
  /** False when the domain was already there (nothing written). */
  changed: boolean;
}

/** Adds a domain (source "admin"); adding one the authority already has changes nothing. */
export async function addAuthorityDomain(
  deps: Deps,
  actor: ActorContext,
  input: { code: string; domain: string },
): Promise<AuthorityDomainsResult> {
  const domain = normaliseDomain(input.domain);
  const { code } = await requireAuthority(deps, input.code);
  const before = await listAuthorityDomains(deps, code);
  if (before.includes(domain)) return { code, domains: before, changed: false };
  const after = [...before, domain].sort();
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db
      .insert(authorityDomains)
      .values({ authorityCode: code, domain, source: 'admin', createdAt: now })
      .onConflictDoNothing(),
    auditEntry(deps.db, actor, now, {
      action: 'authority.domain-add',
      subjectType: 'authority',
      subjectId: code,
      before: { domains: before },
      after: { domains: after },
    }),
  ]);
  return { code, domains: after, changed: true };
}

/** Removes a domain; one the authority does not have is a 404. */
export async function removeAuthorityDomain(
  deps: Deps,
  actor: ActorContext,
  input: { code: string; domain: string },
): Promise<AuthorityDomainsResult> {
  // Normalise as on the way in, but still allow removing a stored value that would not pass today's rules.
  const normalised = tryNormaliseDomain(input.domain);
  const lenient = input.domain.trim().toLowerCase().replace(/\.$/, '');
  const { code } = await requireAuthority(deps, input.code);
  const before = await listAuthorityDomains(deps, code);
  const domain = 'domain' in normalised && before.includes(normalised.domain) ? normalised.domain : lenient;
  if (!before.includes(domain))
    throw new AppError('not_found', `Authority ${code} does not have the domain "${input.domain}".`);
  const after = before.filter((d) => d !== domain);
  const now = deps.clock.now();
  await deps.db.batch([
    deps.db
      .delete(authorityDomains)
      .where(and(eq(authorityDomains.authorityCode, code), eq(authorityDomains.domain, domain))),
    auditEntry(deps.db, actor, now, {
      action: 'authority.domain-remove',
      subjectType: 'authority',
      subjectId: code,
      before: { domains: before },
      after: { domains: after },
    }),
  ]);
  return { code, domains: after, changed: true };
}
