// Reads what contact-paths.ts judges, for many councils at once: each council's confirmed mailboxes (not
// bouncing) with the latest definite MX result of their domain, and its confirmed mobiles (not
// unreachable). Councils go in bounded batches: each statement binds the batch as ONE JSON parameter
// (`inList`, D1's 100-parameter limit) and brings back at most a batch's rows, so 4,000 councils are a
// handful of statements and never one huge answer.

import { and, eq, isNull, sql } from 'drizzle-orm';
import { inList } from '../../db/limits.js';
import { mailboxes, mobileNumbers } from '../../db/schema.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { canSeeAuthority } from '../auth/scope.js';
import { type ContactPaths, contactPaths, type MxDetail, type PathInputs } from './contact-paths.js';

/** Councils per statement. */
export const PATH_BATCH = 500;

/** Runs of at most `size` items. */
export function batchesOf<T>(items: readonly T[], size = PATH_BATCH): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** The domain part of an address, lower-case, in SQL: the same as `domainOf` for an address with one @. */
const domainSql = sql<string>`lower(substr(${mailboxes.address}, instr(${mailboxes.address}, '@') + 1))`;

/**
 * The latest MX result of the mailbox's domain that is not temporary (a DNS hiccup says nothing about
 * the servers): an index seek on domain_checks(domain, kind, checked_at) per mailbox.
 */
const latestMxSql = sql<string | null>`(select x.detail from domain_checks x
  where x.domain = ${domainSql} and x.kind = 'mx' and x.severity <> 'temporary'
  order by x.checked_at desc, x.id desc limit 1)`;

const shownNumber = (n: string) => `number ending ${n.replace(/\D/g, '').slice(-3)}`;

function parseDetail(raw: unknown): MxDetail | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'object') return raw as MxDetail;
  try {
    return JSON.parse(String(raw)) as MxDetail;
  } catch {
    return null;
  }
}

async function inputsOfBatch(deps: Pick<Deps, 'db'>, codes: string[]): Promise<Map<string, PathInputs>> {
  const [boxes, mobiles] = await Promise.all([
    deps.db
      .select({
        code: mailboxes.authorityCode,
        id: mailboxes.id,
        address: mailboxes.address,
        kind: mailboxes.kind,
        domain: domainSql,
        mx: latestMxSql,
      })
      .from(mailboxes)
      .where(
        and(
          inList(mailboxes.authorityCode, codes),
          eq(mailboxes.state, 'confirmed'),
          isNull(mailboxes.unreachableAt),
        ),
      ),
    deps.db
      .select({
        code: mobileNumbers.authorityCode,
        id: mobileNumbers.id,
        label: mobileNumbers.label,
        number: mobileNumbers.number,
      })
      .from(mobileNumbers)
      .where(
        and(
          inList(mobileNumbers.authorityCode, codes),
          eq(mobileNumbers.state, 'confirmed'),
          isNull(mobileNumbers.unreachableAt),
        ),
      ),
  ]);
  const out = new Map<string, PathInputs>();
  const of = (code: string) => {
    let entry = out.get(code);
    if (!entry) {
      entry = { mailboxes: [], mx: new Map(), mobiles: [] };
      out.set(code, entry);
    }
    return entry;
  };
  for (const b of boxes) {
    const entry = of(b.code);
    entry.mailboxes.push({ id: b.id, address: b.address, kind: b.kind, domain: b.domain });
    (entry.mx as Map<string, MxDetail | null>).set(b.domain, parseDetail(b.mx));
  }
  for (const m of mobiles)
    of(m.code).mobiles.push({ id: m.id, label: m.label, shown: shownNumber(m.number) });
  return out;
}

/** The contact paths of each council (every code given has an entry, with no paths when it has none). */
export async function contactPathsOf(
  deps: Pick<Deps, 'db'>,
  codes: readonly string[],
): Promise<Map<string, ContactPaths>> {
  const out = new Map<string, ContactPaths>();
  const empty: PathInputs = { mailboxes: [], mx: new Map(), mobiles: [] };
  for (const batch of batchesOf([...new Set(codes)])) {
    const inputs = await inputsOfBatch(deps, batch);
    for (const code of batch) out.set(code, contactPaths(inputs.get(code) ?? empty));
  }
  return out;
}

/** One council's contact paths, for a caller who may see it (else "not found", as a code that does not exist). */
export async function authorityContactPaths(
  deps: Deps,
  principal: Principal,
  code: string,
): Promise<ContactPaths> {
  if (!(await canSeeAuthority(deps.db, principal, code)))
    throw new AppError('not_found', `There is no authority with code "${code}" that you can see.`);
  return (await contactPathsOf(deps, [code])).get(code)!;
}
