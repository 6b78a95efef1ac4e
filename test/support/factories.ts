// Test data factories: insert register rows directly, with sensible defaults any field can override.
import type { Db } from '../../src/db/client.js';
import { authorities, authorityDomains, authoritySuccessors, warps } from '../../src/db/schema.js';

/** A fixed moment for created/updated columns, so rows never depend on the wall clock. */
export const FACTORY_TIME = new Date('2026-01-01T00:00:00Z');

let sequence = 0;
/** A short unique upper-case code (e.g. "T001"); unique within one test process. */
export function nextCode(prefix = 'T'): string {
  sequence += 1;
  return `${prefix}${String(sequence).padStart(3, '0')}`;
}

export type AuthorityInsert = typeof authorities.$inferInsert;
export type WarpInsert = typeof warps.$inferInsert;

/** Inserts an authority (a current English non-metropolitan district unless told otherwise) and returns it. */
export async function insertAuthority(db: Db, overrides: Partial<AuthorityInsert> = {}) {
  const code = overrides.code ?? nextCode();
  const name = overrides.name ?? `Test Council ${code}`;
  const row: AuthorityInsert = {
    code,
    name,
    shortName: name.replace(/ (City |District |Borough )?Council$/, ''),
    gss: null,
    nation: 'England',
    region: 'South East',
    type: 'NMD',
    typeName: 'Non-metropolitan district',
    county: null,
    startDate: null,
    endDate: null,
    replacedBy: [],
    current: true,
    altNames: null,
    warpId: null,
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    ...overrides,
  };
  const [inserted] = await db.insert(authorities).values(row).returning();
  return inserted!;
}

/** Inserts a WARP (a hand-made one, no region, unless told otherwise) and returns it. */
export async function insertWarp(db: Db, overrides: Partial<WarpInsert> = {}) {
  const id = overrides.id ?? `warp-${nextCode('w').toLowerCase()}`;
  const row: WarpInsert = {
    id,
    name: overrides.name ?? `${id} WARP`,
    region: null,
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    ...overrides,
  };
  const [inserted] = await db.insert(warps).values(row).returning();
  return inserted!;
}

/** Gives an authority one or more e-mail domains (stored as given). */
export async function insertDomains(db: Db, code: string, domains: string[], source = 'test') {
  if (domains.length === 0) return;
  await db
    .insert(authorityDomains)
    .values(domains.map((domain) => ({ authorityCode: code, domain, source, createdAt: FACTORY_TIME })));
}

/** Records that `code` was replaced by each of `successors` (the successor need not exist). */
export async function insertSuccessors(db: Db, code: string, successors: string[]) {
  if (successors.length === 0) return;
  await db.insert(authoritySuccessors).values(successors.map((successor) => ({ code, successor })));
}

/** Revokes the token behind a secret through the real API (an admin token does it) and returns the secret. */
export async function revokeSecret(
  t: {
    tokenFor: (role: 'admin') => Promise<string>;
    call: (m: string, p: string, o?: { token?: string }) => Promise<Response>;
  },
  secret: string,
) {
  const me = await t.call('GET', '/api/v1/me', { token: secret });
  const { actor } = (await me.json()) as { actor: string };
  const admin = await t.tokenFor('admin');
  const res = await t.call('DELETE', `/api/v1/tokens/${actor.replace(/^token:/, '')}`, { token: admin });
  if (res.status !== 200) throw new Error(`could not revoke the token: ${res.status}`);
  return secret;
}
