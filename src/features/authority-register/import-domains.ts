// Importing authorities' e-mail domains from the public-sector domain list (ukps-domains user_domains.json):
// local-authority entries are matched to register entries by the name in their notes and added with source
// "import". Adds only: domains an admin added (or removed and re-added) are never touched.
import { z } from 'zod';
import { type BatchItem, writeAll } from '../../db/client.js';
import { authorities, authorityDomains } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { ActorContext } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { describeIssues, fieldErrors } from '../../openapi.js';
import { auditEntry } from '../audit/record.js';
import { buildNameIndex, organisationNameFromNotes } from './import-domain-match.js';
import { fetchSource } from './import-fetch.js';
import { decodeImportText, type ImportInput, type OnProgress, sniffTextKind } from './import-text.js';
import { tryNormaliseDomain } from './normalise-domain.js';

/** The part of the domain list's format this import reads; other fields are ignored. */
export const DomainListSchema = z.object({
  version: z.string().max(100).nullish(),
  domains: z.array(
    z.looseObject({
      domain_pattern: z.string().max(300),
      organisation_type_id: z.string().max(100).nullish(),
      notes: z.string().max(5000).nullish(),
    }),
  ),
});
export type DomainList = z.infer<typeof DomainListSchema>;

export interface DomainImportCounts {
  /** Local-authority entries in the file (wildcards excluded). */
  entries: number;
  /** Entries matched to a register entry: added + alreadyPresent. */
  matched: number;
  /** Domains written by this import. */
  added: number;
  /** Matched domains the authority already had (from any source). */
  alreadyPresent: number;
  unmatched: number;
  /** Entries of other organisation types, and wildcard patterns. */
  skipped: number;
}

export interface UnmatchedDomain {
  domain: string;
  notes: string | null;
  reason: string;
}

export interface DomainImportReport {
  id: string;
  source: string;
  /** The file's own version field. */
  version: string | null;
  changed: boolean;
  counts: DomainImportCounts;
  /** matched / entries, 0–1. */
  matchRate: number;
  /** The domains added (in a dry run: that would be added). */
  added: Array<{ domain: string; code: string }>;
  unmatched: UnmatchedDomain[];
  /** True when nothing was written. */
  dryRun: boolean;
}

/** Parses the domain list's text; refuses (400/422) anything that is not that JSON format. */
export function parseDomainList(text: string): DomainList {
  if (sniffTextKind(text) !== 'json')
    throw new AppError('bad_request', 'The file is not the public-sector domain list: it is not JSON.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'bad_request',
      `The file is not the public-sector domain list: it is not valid JSON (${(err as Error).message}).`,
    );
  }
  return checkDomainList(value);
}

/** Checks an already-parsed value (the API's JSON body) against the domain list format. */
export function checkDomainList(value: unknown): DomainList {
  const result = DomainListSchema.safeParse(value);
  if (!result.success)
    throw new AppError(
      'validation_failed',
      `The file is not the public-sector domain list (expected an object with "version" and a "domains" list whose entries have domain_pattern, organisation_type_id and notes): ${describeIssues(result.error.issues)}`,
      { errors: fieldErrors(result.error.issues).slice(0, 20) },
    );
  return result.data;
}

/** Imports the domain list from its text or bytes, or from an already-parsed value. */
export async function importDomains(
  deps: Deps,
  actor: ActorContext,
  input: ImportInput | { list: unknown; source: string },
  options: { onProgress?: OnProgress; dryRun?: boolean } = {},
): Promise<DomainImportReport> {
  const list =
    'list' in input
      ? checkDomainList(input.list)
      : parseDomainList(
          decodeImportText(input.content, deps.config.IMPORT_LIMIT_BYTES, 'the public-sector domain list'),
        );
  const { db } = deps;
  const register = await db
    .select({
      code: authorities.code,
      name: authorities.name,
      shortName: authorities.shortName,
      altNames: authorities.altNames,
      current: authorities.current,
    })
    .from(authorities);
  if (register.length === 0)
    throw new AppError(
      'conflict',
      'The register is empty, so no domain can be matched: import the register first (npm run cli -- register import <file>).',
    );
  const index = buildNameIndex(register);
  const stored = new Set(
    (
      await db
        .select({ code: authorityDomains.authorityCode, domain: authorityDomains.domain })
        .from(authorityDomains)
    ).map((d) => `${d.code} ${d.domain}`),
  );

  const counts: DomainImportCounts = {
    entries: 0,
    matched: 0,
    added: 0,
    alreadyPresent: 0,
    unmatched: 0,
    skipped: 0,
  };
  const added: DomainImportReport['added'] = [];
  const unmatched: UnmatchedDomain[] = [];
  const seen = new Set<string>();
  list.domains.forEach((entry, i) => {
    if ((i + 1) % 100 === 0 || i === list.domains.length - 1)
      options.onProgress?.({ phase: 'matching', done: i + 1, total: list.domains.length, unit: 'rows' });
    if (entry.organisation_type_id !== 'local_authority' || entry.domain_pattern.includes('*')) {
      counts.skipped++;
      return;
    }
    counts.entries++;
    const notes = entry.notes ?? null;
    const normalised = tryNormaliseDomain(entry.domain_pattern);
    if ('problem' in normalised) {
      unmatched.push({
        domain: entry.domain_pattern,
        notes,
        reason: `not a usable domain: ${normalised.problem}`,
      });
      return;
    }
    const { domain } = normalised;
    const name = organisationNameFromNotes(notes);
    const match = index.match(name);
    if (match.code === null) {
      const reason =
        match.reason === 'no-name'
          ? 'the notes name no organisation'
          : match.reason === 'ambiguous'
            ? `"${name}" matches more than one authority (${match.candidates?.join(', ')})`
            : `no authority in the register is called "${name}"`;
      unmatched.push({ domain, notes, reason });
      return;
    }
    counts.matched++;
    const key = `${match.code} ${domain}`;
    if (stored.has(key) || seen.has(key)) {
      counts.alreadyPresent++;
      return;
    }
    seen.add(key);
    added.push({ domain, code: match.code });
  });
  counts.added = added.length;
  counts.unmatched = unmatched.length;
  if (counts.entries === 0)
    throw new AppError(
      'validation_failed',
      'The file has no local-authority entries (organisation_type_id "local_authority"), so there is nothing to import.',
    );

  const id = deps.random.id();
  const now = deps.clock.now();
  const writes: BatchItem[] = added.map((d) =>
    db
      .insert(authorityDomains)
      .values({ authorityCode: d.code, domain: d.domain, source: 'import', createdAt: now })
      .onConflictDoNothing(),
  );
  const report: DomainImportReport = {
    id,
    source: input.source,
    version: list.version ?? null,
    changed: added.length > 0,
    counts,
    matchRate: counts.entries ? counts.matched / counts.entries : 0,
    added,
    unmatched,
    dryRun: options.dryRun === true,
  };
  // A dry run: the domains it would add, and nothing written.
  if (options.dryRun) return report;
  const total = writes.length + 1;
  options.onProgress?.({ phase: 'writing', done: 0, total, unit: 'statements' });
  await writeAll(db, [
    ...writes,
    auditEntry(db, actor, now, {
      action: 'register.domains-import',
      subjectType: 'register',
      subjectId: id,
      after: {
        source: input.source,
        version: list.version ?? null,
        counts,
        unmatched: unmatched.map((u) => u.domain),
      },
    }),
  ]);
  options.onProgress?.({ phase: 'writing', done: total, total, unit: 'statements' });
  return report;
}

/** Downloads the domain list from `url` and imports it. */
export async function importDomainsFromUrl(
  deps: Deps,
  actor: ActorContext,
  url: string,
  options: { signal?: AbortSignal; onProgress?: OnProgress; dryRun?: boolean } = {},
): Promise<DomainImportReport> {
  const bytes = await fetchSource(deps, url, {
    signal: options.signal,
    onProgress: options.onProgress,
    accept: 'application/json',
  });
  return importDomains(deps, actor, { content: bytes, source: url }, options);
}
