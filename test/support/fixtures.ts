// The one home of test data, for tests and benches alike: row builders and factories that insert rows
// directly (sensible defaults, any field overridable), credentials made through the real code paths, the
// shared seed of councils, and the request bodies tests send. Everything takes the drizzle `Db` (a bench or a
// service's database file works as well as a test app's), and nothing here imports vitest.
import { eq } from 'drizzle-orm';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { memorySms } from '../../src/adapters/sms-memory.js';
import { parseConfig } from '../../src/config.js';
import { type BatchItem, type Db, writeAll } from '../../src/db/client.js';
import {
  advisories,
  authorities,
  authorityDomains,
  authoritySuccessors,
  deliveries,
  drillPaths,
  drills,
  mailboxes,
  mobileNumbers,
  sessions,
  staffMembers,
  warpOperators,
  warps,
} from '../../src/db/schema.js';
import type { Deps } from '../../src/deps.js';
import { cliPrincipal, type Role } from '../../src/domain/principal.js';
import { createSession, type NewSession, SESSION_COOKIE } from '../../src/features/auth/sessions.js';
import { createToken, type NewToken, type TokenRole } from '../../src/features/auth/tokens.js';
import { confirmedReachability } from '../../src/features/mailboxes/reachability.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { fixedClock } from '../../src/ports/clock.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { cryptoRandom } from '../../src/ports/random.js';
import type { ApiClient, Schemas } from './api-client.js';

/** A fixed moment for created/updated columns, so rows never depend on the wall clock. */
export const FACTORY_TIME = new Date('2026-01-01T00:00:00Z');
/** Where a test app's clock starts unless told otherwise (and when `insertSession` signs in by default). */
export const TEST_NOW = '2026-11-30T09:00:00Z';

export type WarpInsert = typeof warps.$inferInsert;
export type AuthorityInsert = typeof authorities.$inferInsert;
export type MailboxInsert = typeof mailboxes.$inferInsert;
export type AdvisoryInsert = typeof advisories.$inferInsert;
export type DeliveryInsert = typeof deliveries.$inferInsert;

let sequence = 0;
const next = () => {
  sequence += 1;
  return sequence;
};

/** A short unique upper-case code (e.g. "T001"); unique within one test process. */
export function nextCode(prefix = 'T'): string {
  return `${prefix}${String(next()).padStart(3, '0')}`;
}

/** A lower-case id that fits the acknowledgement token's id part (`[0-9a-z]{8,40}`). */
function rowId(prefix: string): string {
  return `${prefix}${String(next()).padStart(6, '0')}${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

// ---------- the register ----------

/** A WARP row (a hand-made one, no region, unless told otherwise). */
export function warpRow(overrides: Partial<WarpInsert> = {}): WarpInsert {
  const id = overrides.id ?? `warp-${nextCode('w').toLowerCase()}`;
  const createdAt = overrides.createdAt ?? FACTORY_TIME;
  return { id, name: `${id} WARP`, region: null, createdAt, updatedAt: createdAt, ...overrides };
}

/** An authority row: a current English non-metropolitan district unless told otherwise. */
export function authorityRow(overrides: Partial<AuthorityInsert> = {}): AuthorityInsert {
  const code = overrides.code ?? nextCode();
  const name = overrides.name ?? `Test Council ${code}`;
  const createdAt = overrides.createdAt ?? FACTORY_TIME;
  return {
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
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** Inserts a WARP and returns it. */
export async function insertWarp(db: Db, overrides: Partial<WarpInsert> = {}) {
  const [inserted] = await db.insert(warps).values(warpRow(overrides)).returning();
  return inserted!;
}

/** Inserts an authority and returns it. */
export async function insertAuthority(db: Db, overrides: Partial<AuthorityInsert> = {}) {
  const [inserted] = await db.insert(authorities).values(authorityRow(overrides)).returning();
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

// ---------- mailboxes ----------

const defaults = parseConfig({ LOG_LEVEL: 'silent' });

/**
 * The reachability columns of a mailbox confirmed at `at`, exactly as confirming sets them (the next
 * re-confirmation falls due RECONFIRM_DAYS later; nothing stale, unreachable or reminded).
 */
export function confirmed(at: Date = FACTORY_TIME, reconfirmDays = defaults.RECONFIRM_DAYS) {
  return confirmedReachability({ RECONFIRM_DAYS: reconfirmDays }, at);
}

/**
 * A full mailbox row: a confirmed primary made at FACTORY_TIME unless told otherwise. `updatedAt` follows
 * `createdAt`; a confirmed one is confirmed when it was made and falls due for re-confirmation as
 * `confirmed()` says (pass `reconfirmDueAt: null` for one confirmed before re-confirmation existed);
 * `needsApproval` is set for one awaiting approval.
 */
export function mailboxRow(overrides: Partial<MailboxInsert> & { authorityCode: string }): MailboxInsert {
  const n = next();
  const code = overrides.authorityCode.toLowerCase();
  const state = overrides.state ?? 'confirmed';
  const createdAt = overrides.createdAt ?? FACTORY_TIME;
  const confirmedAt =
    overrides.confirmedAt !== undefined ? overrides.confirmedAt : state === 'confirmed' ? createdAt : null;
  return {
    id: `mbx${String(n).padStart(6, '0')}${code}`,
    address: `cyber${n}@${code}.gov.uk`,
    kind: 'primary',
    team: 'Cyber Security Team',
    phone: '029 2087 2000',
    state,
    needsApproval: state === 'awaiting-approval',
    looksPersonal: false,
    replacesId: null,
    createdBy: 'test',
    createdAt,
    updatedAt: createdAt,
    approvedAt: null,
    approvedBy: null,
    retiredAt: null,
    retiredReason: null,
    lastBounceAt: null,
    // Never confirmed: nothing due, and as clear as confirming would leave it.
    ...(confirmedAt
      ? confirmed(confirmedAt)
      : { ...confirmed(createdAt), confirmedAt: null, reconfirmDueAt: null }),
    ...overrides,
  };
}

/** Inserts a mailbox (see `mailboxRow`) and returns it. */
export async function insertMailbox(db: Db, overrides: Partial<MailboxInsert> & { authorityCode: string }) {
  const [inserted] = await db.insert(mailboxes).values(mailboxRow(overrides)).returning();
  return inserted!;
}

/** Inserts many rows at once (WARPs, then authorities, then mailboxes), `chunk` rows a statement, atomically. */
export async function insertRows(
  db: Db,
  rows: { warps?: WarpInsert[]; authorities?: AuthorityInsert[]; mailboxes?: MailboxInsert[] },
  chunk = 500,
) {
  const items: BatchItem[] = [];
  const add = <T>(list: T[] | undefined, insert: (slice: T[]) => BatchItem) => {
    for (let i = 0; i < (list?.length ?? 0); i += chunk) items.push(insert(list!.slice(i, i + chunk)));
  };
  add(rows.warps, (slice) => db.insert(warps).values(slice));
  add(rows.authorities, (slice) => db.insert(authorities).values(slice));
  add(rows.mailboxes, (slice) => db.insert(mailboxes).values(slice));
  await writeAll(db, items);
}

export interface CouncilsSpec {
  count: number;
  /** Council i's code (default `C000`, `C001`, …). */
  code?: (i: number) => string;
  /** The rest of council i's authority row. */
  authority?: (i: number, code: string) => Partial<AuthorityInsert>;
  /** The address of council i's one confirmed primary, `mbx-<code>` (default `cyber@<code>.gov.uk`). */
  address?: (i: number, code: string) => string;
  /** Council i's mailboxes, instead of that one primary. */
  mailboxes?: (i: number, code: string) => Array<Partial<MailboxInsert>>;
  /** When every row was made (and the mailboxes confirmed); FACTORY_TIME unless told. */
  at?: Date;
  /** Rows a statement (see `insertRows`). */
  chunk?: number;
}

/** Inserts `count` councils and their mailboxes in bulk; returns the rows it inserted. */
export async function insertCouncils(db: Db, spec: CouncilsSpec) {
  const createdAt = spec.at ?? FACTORY_TIME;
  const authorityRows: AuthorityInsert[] = [];
  const mailboxRows: MailboxInsert[] = [];
  for (let i = 0; i < spec.count; i++) {
    const code = spec.code?.(i) ?? `C${String(i).padStart(3, '0')}`;
    authorityRows.push(authorityRow({ code, createdAt, ...spec.authority?.(i, code) }));
    const boxes = spec.mailboxes?.(i, code) ?? [
      { id: `mbx-${code}`, address: spec.address?.(i, code) ?? `cyber@${code.toLowerCase()}.gov.uk` },
    ];
    for (const box of boxes) mailboxRows.push(mailboxRow({ authorityCode: code, createdAt, ...box }));
  }
  await insertRows(db, { authorities: authorityRows, mailboxes: mailboxRows }, spec.chunk);
  return { authorities: authorityRows, mailboxes: mailboxRows };
}

// ---------- advisories and deliveries ----------

/** Inserts an advisory (a sent NCSC TLP:AMBER advisory released at FACTORY_TIME unless told otherwise). */
export async function insertAdvisory(db: Db, overrides: Partial<AdvisoryInsert> = {}) {
  const id = overrides.id ?? rowId('adv');
  const n = next();
  const row: AdvisoryInsert = {
    id,
    reference: `NCSC-2026-${String(n).padStart(4, '0')}`,
    kind: 'advisory',
    parentId: null,
    threadId: id,
    title: `Test advisory ${n}`,
    summary: 'Patch Example VPN now: the flaw is being exploited.',
    body: '## What to do\n\nApply the vendor’s fix today.',
    severity: 'high',
    tlp: 'AMBER',
    cves: [],
    references: [],
    audience: { all: true },
    test: false,
    testAudience: null,
    state: 'sent',
    warpId: null,
    createdBy: 'token:author',
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    releasedBy: 'token:author',
    releasedAt: FACTORY_TIME,
    sentAt: FACTORY_TIME,
    ...overrides,
  };
  const [inserted] = await db.insert(advisories).values(row).returning();
  return inserted!;
}

/** Inserts a delivery of an advisory (delivered at its creation time unless told otherwise). */
export async function insertDelivery(db: Db, overrides: Partial<DeliveryInsert> & { advisoryId: string }) {
  const id = overrides.id ?? rowId('dlv');
  const code = overrides.authorityCode === undefined ? null : overrides.authorityCode;
  const created = overrides.createdAt ?? FACTORY_TIME.getTime();
  const status = overrides.status ?? 'delivered';
  const row: DeliveryInsert = {
    id,
    mailboxId: `mbx-${id}`,
    authorityCode: code,
    address: code ? `cyber@${code.toLowerCase()}.gov.uk` : `test-${id}@example.gov.uk`,
    mailboxKind: code ? 'primary' : 'test',
    status,
    attempts: status === 'created' ? 0 : 1,
    nextAttemptAt: status === 'created' || status === 'temporary-failure' ? created : null,
    deadlineAt: created + 24 * 3600_000,
    lastReply: status === 'delivered' ? '250 2.0.0 Ok: queued' : null,
    lastCode: status === 'delivered' ? 250 : null,
    createdAt: created,
    firstAttemptAt: status === 'created' ? null : created,
    deliveredAt: status === 'delivered' ? created : null,
    ...overrides,
  };
  const [inserted] = await db.insert(deliveries).values(row).returning();
  return inserted!;
}

/** Adds NCSC staff members (admins unless told; a WARP operator with `warpId`), as `staff add` does. */
export async function insertStaff(
  db: Db,
  addresses: readonly string[],
  options: { role?: 'admin' | 'warp'; warpId?: string | null } = {},
) {
  if (addresses.length === 0) return;
  await db.insert(staffMembers).values(
    addresses.map((address) => ({
      address,
      name: address.slice(0, address.indexOf('@')),
      role: options.role ?? (options.warpId ? 'warp' : 'admin'),
      warpId: options.warpId ?? null,
      createdBy: 'test',
      createdAt: FACTORY_TIME,
    })),
  );
}

/** Gives a WARP its operators' addresses. */
export async function insertWarpOperators(db: Db, warpId: string, addresses: string[]) {
  if (addresses.length === 0) return;
  await db
    .insert(warpOperators)
    .values(addresses.map((address) => ({ warpId, address, name: null, createdAt: FACTORY_TIME })));
}

// ---------- the second channel: mobiles and drills ----------

export type MobileInsert = typeof mobileNumbers.$inferInsert;
export type DrillInsert = typeof drills.$inferInsert;
export type DrillPathInsert = typeof drillPaths.$inferInsert;

/** Inserts an out-of-hours mobile: a confirmed one made at FACTORY_TIME unless told otherwise. */
export async function insertMobile(db: Db, overrides: Partial<MobileInsert> & { authorityCode: string }) {
  const n = next();
  const state = overrides.state ?? 'confirmed';
  const row: MobileInsert = {
    id: rowId('mob'),
    number: `+4477009${String(n).padStart(5, '0')}`,
    label: 'Out-of-hours duty officer',
    state,
    createdBy: 'test',
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    confirmedAt: state === 'confirmed' ? FACTORY_TIME : null,
    ...overrides,
  };
  const [inserted] = await db.insert(mobileNumbers).values(row).returning();
  return inserted!;
}

/**
 * Inserts a drill (a finished NCSC drill started at `startedAt`, FACTORY_TIME unless told) and one path per
 * council in `paths`, acknowledged `ackAfterHours` after the start (null: never).
 */
export async function insertDrill(
  db: Db,
  overrides: Partial<DrillInsert> = {},
  paths: Array<{ authorityCode: string; ackAfterHours: number | null } & Partial<DrillPathInsert>> = [],
) {
  const id = overrides.id ?? rowId('drl');
  const startedAt = overrides.startedAt === undefined ? FACTORY_TIME : overrides.startedAt;
  const state = overrides.state ?? 'finished';
  const row: DrillInsert = {
    id,
    reference: `DRILL-${String(next()).padStart(4, '0')}`,
    audience: { all: true } as DrillInsert['audience'],
    warpId: null,
    state,
    scheduledFor: startedAt ?? FACTORY_TIME,
    createdBy: 'test',
    createdAt: FACTORY_TIME,
    updatedAt: FACTORY_TIME,
    startedAt,
    finishedAt: state === 'finished' && startedAt ? new Date(startedAt.getTime() + 48 * 3600_000) : null,
    ...overrides,
  };
  const [drill] = await db.insert(drills).values(row).returning();
  const start = (startedAt ?? FACTORY_TIME).getTime();
  if (paths.length)
    await db.insert(drillPaths).values(
      paths.map(({ ackAfterHours, ...p }) => ({
        id: rowId('dpt'),
        drillId: id,
        channel: 'email' as const,
        target: `cyber@${p.authorityCode.toLowerCase()}.gov.uk`,
        createdAt: start,
        acknowledgedAt: ackAfterHours === null ? null : start + ackAfterHours * 3600_000,
        ...p,
      })),
    );
  return drill!;
}

// ---------- credentials ----------

/**
 * The service's dependencies around any database, offline (memory mailer, empty DNS, silent config) with
 * the clock stopped at `now`: what the token and session factories run the real code with.
 */
export function fixtureDeps(db: Db, now: Date | string, env: Record<string, string> = {}): Deps {
  const clock = fixedClock(now);
  return {
    config: Object.keys(env).length ? parseConfig({ LOG_LEVEL: 'silent', ...env }) : defaults,
    db,
    clock,
    log: memoryLogger('error'),
    random: cryptoRandom(() => clock.now().getTime()),
    mailer: memoryMailer(),
    sms: memorySms(),
    resolver: memoryResolver(),
    fetch,
  };
}

/**
 * Creates an API token through the real code path (hashed, audited as made by the CLI) and returns it with
 * its secret, which exists nowhere else.
 */
export async function insertToken(
  db: Db,
  token: Partial<NewToken> & { role: TokenRole },
  options: { now?: Date | string } = {},
) {
  const created = await createToken(
    fixtureDeps(db, options.now ?? FACTORY_TIME),
    { principal: cliPrincipal },
    { name: `test ${token.role}`, ...token },
  );
  return { ...created, secret: created.token };
}

/**
 * Signs a browser in: a session made through the real code path for a role and scope, started at `now`
 * (TEST_NOW unless told, where a test app's clock starts), opened from a new API token of that role unless
 * `actor` names its source (`staff:<address>`, `mailbox:<id>`). Returns the cookie's secret, the session's
 * CSRF token and a ready `cookie` header value.
 */
export async function insertSession(
  db: Db,
  session: Partial<NewSession> & { role: Role },
  options: { now?: Date | string; ttlHours?: number } = {},
) {
  const env: Record<string, string> = options.ttlHours ? { SESSION_TTL_HOURS: String(options.ttlHours) } : {};
  // A session lives only as long as its source: unless the caller names one, open it with a new API token
  // of the role and scope, as `/sign-in/token` does.
  const actor =
    session.actor ??
    `token:${
      (
        await insertToken(
          db,
          {
            role: session.role,
            name: session.label ?? `test ${session.role}`,
            warpId: session.warpId,
            authorityCode: session.authorityCode,
          },
          { now: options.now ?? TEST_NOW },
        )
      ).id
    }`;
  const created = await createSession(fixtureDeps(db, options.now ?? TEST_NOW, env), {
    label: `test ${session.role}`,
    ...session,
    actor,
    // An admin's session as it is once signed in in full (with a passkey), unless the test says otherwise.
    authMethod:
      session.authMethod ??
      (session.role === 'admin' ? 'passkey' : actor.startsWith('token:') ? 'token' : 'link'),
  });
  const row = await db.query.sessions.findFirst({
    where: eq(sessions.idHash, await hashSecret(created.secret)),
  });
  return { ...created, csrf: row!.csrfToken, cookie: `${SESSION_COOKIE}=${created.secret}` };
}

/** Revokes the token behind a secret through the real API (an admin token does it) and returns the secret. */
export async function revokeSecret(
  t: { tokenFor: (role: 'admin') => Promise<string>; api: (token?: string) => ApiClient },
  secret: string,
) {
  const me = await t.api(secret).GET('/api/v1/me');
  if (!me.data) throw new Error(`could not read the token: ${me.response.status}`);
  const admin = await t.tokenFor('admin');
  const id = me.data.actor.replace(/^token:/, '');
  const res = await t.api(admin).DELETE('/api/v1/tokens/{id}', { params: { path: { id } } });
  if (res.response.status !== 200) throw new Error(`could not revoke the token: ${res.response.status}`);
  return secret;
}

// ---------- seeds ----------

/** A database, or anything that has one (a test app). */
type WithDb = Db | { db: Db };
const dbOf = (target: WithDb): Db => ('db' in target ? target.db : target);

/**
 * The councils most tests need, with their e-mail domains and no mailboxes: Cardiff and Newport (Welsh
 * unitary authorities in Wales WARP), Camden (a London borough in London WARP), Newark and Sherwood (an
 * English district in no WARP), and a former council, OLD ("Old District Council"), whose successor is not
 * recorded.
 */
export async function seedCouncils(target: WithDb) {
  const db = dbOf(target);
  const wales = await insertWarp(db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  const london = await insertWarp(db, { id: 'london', name: 'London WARP', region: 'London' });
  const welsh = {
    nation: 'Wales',
    region: 'Wales',
    type: 'UA',
    typeName: 'Unitary authority',
    warpId: wales.id,
  };
  const cardiff = await insertAuthority(db, { code: 'CRF', name: 'Cardiff Council', ...welsh });
  const newport = await insertAuthority(db, { code: 'NWP', name: 'Newport City Council', ...welsh });
  const camden = await insertAuthority(db, {
    code: 'CMD',
    name: 'London Borough of Camden',
    region: 'London',
    type: 'LBO',
    typeName: 'London borough',
    warpId: london.id,
  });
  const newark = await insertAuthority(db, { code: 'NSH', name: 'Newark and Sherwood District Council' });
  const former = await insertAuthority(db, { code: 'OLD', name: 'Old District Council', current: false });
  await insertDomains(db, 'CRF', ['cardiff.gov.uk']);
  await insertDomains(db, 'NWP', ['newport.gov.uk']);
  await insertDomains(db, 'CMD', ['camden.gov.uk']);
  await insertDomains(db, 'NSH', ['newark-sherwooddc.gov.uk']);
  return { wales, london, cardiff, newport, camden, newark, former };
}

// ---------- request bodies ----------

/** Defaults with overrides: an override's type replaces the default's (invalid values stay possible). */
type Merged<D, O> = Omit<D, keyof O> & O;

/**
 * A mailbox registration (POST /api/v1/mailboxes): Cardiff's primary unless told otherwise. Typed from the
 * OpenAPI document, so a renamed or retyped field fails the type check here.
 */
export const registration = <O extends Partial<Schemas['MailboxRegistration']> & Record<string, unknown>>(
  overrides: O = {} as O,
): Merged<Schemas['MailboxRegistration'], O> => ({
  authority: 'CRF',
  address: 'cyber@cardiff.gov.uk',
  kind: 'primary',
  team: 'Cyber Security Team',
  phone: '029 2087 2000',
  ...overrides,
});

/** An advisory (POST /api/v1/advisories): a TLP:AMBER advisory to every council unless told otherwise. */
export const advisoryBody = <O extends Partial<Schemas['NewAdvisory']> & Record<string, unknown>>(
  overrides: O = {} as O,
): Merged<Schemas['NewAdvisory'], O> => ({
  title: 'Actively exploited VPN vulnerability',
  summary: 'Patch the VPN appliance today.',
  body: 'Apply the **vendor fix** to every appliance.\n\nSee the vendor advisory.',
  severity: 'high',
  tlp: 'AMBER',
  cves: ['CVE-2026-12345'],
  references: ['https://www.ncsc.gov.uk/'],
  audience: { all: true },
  test: false,
  ...overrides,
});
