// A small seeded world for the security suites: two councils in two WARPs, mailboxes in every state, an
// advisory sent to one council, a test audience, staff, tokens and sessions for every kind of caller, and
// "markers" (strings that only the first council's world contains) to look for in answers that must not
// carry them. The world is built once into a database file (the template); each case that may write gets
// its own copy, so no case sees another's changes.

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { memorySms } from '../../src/adapters/sms-memory.js';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { authenticateSession } from '../../src/features/auth/sessions.js';
import { settleBackground } from '../../src/lib/background.js';
import { fixedClock } from '../../src/ports/clock.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { cryptoRandom } from '../../src/ports/random.js';
import {
  insertAuthority,
  insertDomains,
  insertSession,
  insertToken,
  insertWarp,
  TEST_NOW,
} from '../support/fixtures.js';
import { sendQueuedMailAtOnce } from '../support/mail-queue.js';

export const NOW = TEST_NOW;
export const OWN = 'OWN1';
export const OTH = 'OTH1';
export const WM = 'wm-north';
export const WO = 'wo-south';
export const OWN_DOMAIN = 'ownshire.gov.uk';
export const OTH_DOMAIN = 'othshire.gov.uk';

/** Strings that only the first council's (OWN's) private world contains. */
export const MARK = {
  primary: `soc-marker@${OWN_DOMAIN}`,
  pending: `soc2-marker@${OWN_DOMAIN}`,
  held: 'soc3-marker@ownshire-services.co.uk',
  successor: `soc4-marker@${OWN_DOMAIN}`,
  team: 'Ownshire Marker Team',
  title: 'Ownshire marker advisory',
  desk: `desk-marker@${OWN_DOMAIN}`,
} as const;
export const markers: readonly string[] = Object.values(MARK);

export type PrincipalName =
  | 'anonymous'
  | 'admin'
  | 'warp-member'
  | 'warp-other'
  | 'council-own'
  | 'council-other'
  | 'inbound'
  | 'revoked-token'
  | 'expired-session';

export interface Credentials {
  token?: string;
  session?: { secret: string; csrf: string };
}

export interface World {
  dir: string;
  template: string;
  credentials: Record<PrincipalName, Credentials>;
  ids: {
    primary: string;
    pending: string;
    held: string;
    othPrimary: string;
    sent: string;
    sentReference: string;
    draft: string;
    spareToken: string;
    confirmToken: string;
    handoverToken: string;
    ackToken: string;
    testAudience: string;
    staff: string;
    mobile: string;
  };
}

const baseEnv = {
  PUBLIC_BASE_URL: 'http://cyber-contacts.test',
  LOG_LEVEL: 'silent' as const,
};

/** No network: every outbound fetch (register source, MTA-STS, security.txt) answers 404 at once. */
const offlineFetch: typeof fetch = async () => new Response('not here', { status: 404 });

export type WorldDeps = Deps & {
  mailer: ReturnType<typeof memoryMailer>;
  clock: ReturnType<typeof fixedClock>;
};

export function worldDeps(
  db: Deps['db'],
  env: Record<string, string> = {},
  overrides: Partial<Deps> = {},
): WorldDeps {
  const clock = fixedClock(NOW);
  const mailer = memoryMailer();
  const deps: WorldDeps = {
    config: parseConfig({ ...baseEnv, ...env }),
    mailer,
    sms: memorySms(),
    db,
    clock,
    log: memoryLogger('debug'),
    random: cryptoRandom(() => clock.now().getTime()),
    fetch: offlineFetch,
    resolver: memoryResolver(),
    assets: async (c) => c.text('asset'),
    ...overrides,
  } as WorldDeps;
  return sendQueuedMailAtOnce(deps);
}

export interface WorldApp {
  app: ReturnType<typeof createApp>;
  deps: ReturnType<typeof worldDeps>;
  client: Awaited<ReturnType<typeof openLibsqlDatabase>>['client'];
  close(): Promise<void>;
}

let copies = 0;
async function copyOf(world: World) {
  copies += 1;
  const file = join(world.dir, `case-${copies}.db`);
  copyFileSync(world.template, file);
  const database = await openLibsqlDatabase(`file:${file}`);
  return {
    database,
    async close() {
      await settleBackground(database.db);
      database.close();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
    },
  };
}

/** A copy of the template with its own app (fixed clock, memory mailer, no network). */
export async function openWorld(world: World, env: Record<string, string> = {}): Promise<WorldApp> {
  const { database, close } = await copyOf(world);
  const deps = worldDeps(database.db, env);
  return { app: createApp(deps), deps, client: database.client, close };
}

/**
 * Fresh copies of the template served by ONE app (building an app costs ~20 ms; a copy ~10 ms): each
 * `fresh()` points the app's deps at a new copy, with the clock back at NOW and an empty mailer.
 */
export async function worldPool(world: World, env: Record<string, string> = {}) {
  const first = await openWorld(world, env);
  let current: WorldApp | null = first;
  return {
    async fresh(): Promise<WorldApp> {
      if (current) await current.close();
      current = null;
      const { database, close } = await copyOf(world);
      first.deps.db = database.db;
      first.deps.mailer.sent.length = 0;
      first.deps.clock.set(NOW);
      current = { app: first.app, deps: first.deps, client: database.client, close };
      return current;
    },
    async close() {
      if (current) await current.close();
      current = null;
    },
  };
}

async function json(res: Response, expected: number, what: string) {
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${what}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const linkIn = (text: string, kind: string) => {
  const m = new RegExp(`http://cyber-contacts\\.test/${kind}/([A-Za-z0-9._-]+)`).exec(text);
  if (!m) throw new Error(`no /${kind}/ link in: ${text}`);
  return m[1]!;
};

/** Builds the world into a template database file, through the real code paths where it matters. */
export async function buildWorld(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'cyber-contacts-security-'));
  const template = join(dir, 'template.db');
  const database = await openLibsqlDatabase(`file:${join(dir, 'build.db')}`);
  await migrateDatabase(database.db);
  const deps = worldDeps(database.db);
  const app = createApp(deps);
  const call = (method: string, path: string, token: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  await insertWarp(deps.db, { id: WM, name: 'North member WARP' });
  await insertWarp(deps.db, { id: WO, name: 'South other WARP' });
  await insertAuthority(deps.db, { code: OWN, name: 'Ownshire Council', warpId: WM });
  await insertAuthority(deps.db, { code: OTH, name: 'Othshire Council', warpId: WO });
  await insertDomains(deps.db, OWN, [OWN_DOMAIN]);
  await insertDomains(deps.db, OTH, [OTH_DOMAIN]);

  const token = async (
    role: 'admin' | 'warp' | 'council' | 'inbound',
    scope: { warp?: string; authority?: string } = {},
  ) =>
    (
      await insertToken(
        deps.db,
        { role, name: `matrix ${role}`, warpId: scope.warp, authorityCode: scope.authority },
        { now: deps.clock.now() },
      )
    ).secret;
  const admin = await token('admin');
  const admin2 = await token('admin');
  const warpMember = await token('warp', { warp: WM });
  const warpOther = await token('warp', { warp: WO });
  const councilOwn = await token('council', { authority: OWN });
  const councilOther = await token('council', { authority: OTH });
  const inbound = await token('inbound');
  const spare = await insertToken(deps.db, { role: 'admin', name: 'spare' }, { now: deps.clock.now() });

  // Mailboxes: OWN's confirmed primary, a pending secondary, one waiting for approval; OTH's confirmed.
  const register = async (authority: string, address: string, kind: string, team: string = MARK.team) => {
    const body = { authority, address, kind, team, phone: '029 2087 2000' };
    return (await json(await call('POST', '/api/v1/mailboxes', admin, body), 202, `register ${address}`)) as {
      id: string;
    };
  };
  const confirm = async (address: string) => {
    const message = deps.mailer.to(address).at(-1);
    if (!message) throw new Error(`no confirmation for ${address}`);
    const res = await app.request(`/confirm/${linkIn(message.text, 'confirm')}`, { method: 'POST' });
    await json(res, 200, `confirm ${address}`);
  };
  const primary = await register(OWN, MARK.primary, 'primary');
  await confirm(MARK.primary);
  const pending = await register(OWN, MARK.pending, 'secondary');
  const confirmToken = linkIn(deps.mailer.to(MARK.pending).at(-1)!.text, 'confirm');
  const held = await register(OWN, MARK.held, 'out-of-hours');
  const othPrimary = await register(OTH, `soc@${OTH_DOMAIN}`, 'primary', 'Othshire Security Team');
  await confirm(`soc@${OTH_DOMAIN}`);

  // An advisory the member WARP sent to OWN (delivered), and a draft of the same WARP's.
  const advisory = (title: string) => ({
    title,
    summary: 'Patch the appliance today.',
    body: 'Apply the **vendor fix** now.',
    severity: 'high',
    tlp: 'AMBER',
    cves: ['CVE-2026-12345'],
    references: [],
    audience: { authorities: [OWN] },
    test: false,
  });
  const sent = (await json(
    await call('POST', '/api/v1/advisories', warpMember, advisory(MARK.title)),
    201,
    'create advisory',
  )) as { id: string; reference: string };
  await json(await call('POST', `/api/v1/advisories/${sent.id}/release`, warpMember), 200, 'release');
  await drainDeliveries(deps, dispatchOptions(deps));
  const ackToken = linkIn(deps.mailer.to(MARK.primary).at(-1)!.text, 'ack');
  const draft = (await json(
    await call('POST', '/api/v1/advisories', warpMember, advisory(`${MARK.title} (draft)`)),
    201,
    'create draft',
  )) as { id: string };

  // A new primary for OWN, registered by a council token and confirmed by its own link: it waits for the
  // current primary's consent, which is asked by a handover link.
  const successor = MARK.successor;
  const successorBody = {
    authority: OWN,
    address: successor,
    kind: 'primary',
    team: MARK.team,
    phone: '029 2087 2000',
  };
  await json(await call('POST', '/api/v1/mailboxes', councilOwn, successorBody), 202, 'register successor');
  await confirm(successor);
  const asked = deps.mailer.to(MARK.primary).filter((m) => m.subject.startsWith('Action needed'));
  const handoverToken = linkIn(asked.at(-1)!.text, 'handover');

  // OWN's out-of-hours mobile, waiting for its code.
  const mobile = (await json(
    await call('POST', `/api/v1/authorities/${OWN}/mobiles`, councilOwn, {
      number: '07700 900777',
      label: 'Matrix duty phone',
    }),
    201,
    'mobile',
  )) as { id: string };

  const staff = `desk@${WM}.gov.uk`;
  await json(
    await call('POST', '/api/v1/staff', admin, {
      address: staff,
      name: 'North desk',
      role: 'warp',
      warp: WM,
    }),
    201,
    'staff',
  );
  await json(
    await call('PUT', `/api/v1/warps/${WM}/operators`, admin, {
      operators: [
        { address: `operators@${WM}.gov.uk`, name: 'North operators' },
        // The WARP's own desk, which its test audience holds (a test audience holds staff only).
        { address: MARK.desk, name: 'North desk marker' },
      ],
    }),
    200,
    'operators',
  );
  const testAudience = `${WM}.desk`;
  await json(
    await call('PUT', `/api/v1/test-audiences/${testAudience}`, warpMember, { addresses: [MARK.desk] }),
    201,
    'test audience',
  );

  // Sessions for the pages, each with its CSRF token.
  const session = async (
    role: 'admin' | 'warp' | 'council',
    scope: { warpId?: string; authorityCode?: string },
  ) => {
    const created = await insertSession(
      deps.db,
      { role, label: `matrix ${role}`, ...scope },
      { now: deps.clock.now() },
    );
    return { secret: created.secret, csrf: created.csrf };
  };

  // A revoked admin token: it worked, then an admin revoked it.
  const revoked = await insertToken(deps.db, { role: 'admin', name: 'to revoke' }, { now: deps.clock.now() });
  await json(await call('GET', '/api/v1/me', revoked.token), 200, 'revoked token before revocation');
  await json(await call('DELETE', `/api/v1/tokens/${revoked.id}`, admin), 200, 'revoke');

  // An expired admin session: made 13 hours ago (SESSION_TTL_HOURS is 12), valid then, expired now.
  deps.clock.set(new Date(new Date(NOW).getTime() - 13 * 3600_000));
  const expired = await session('admin', {});
  if (!(await authenticateSession(deps, expired.secret)))
    throw new Error('the session did not work when new');
  deps.clock.set(NOW);
  if (await authenticateSession(deps, expired.secret)) throw new Error('the session did not expire');

  const credentials: World['credentials'] = {
    anonymous: {},
    admin: { token: admin, session: await session('admin', {}) },
    'warp-member': { token: warpMember, session: await session('warp', { warpId: WM }) },
    'warp-other': { token: warpOther, session: await session('warp', { warpId: WO }) },
    'council-own': { token: councilOwn, session: await session('council', { authorityCode: OWN }) },
    'council-other': { token: councilOther, session: await session('council', { authorityCode: OTH }) },
    inbound: { token: inbound },
    'revoked-token': { token: revoked.token },
    'expired-session': { session: expired },
  };
  void admin2;
  // A consistent, self-contained copy (no WAL beside it): the template every case copies.
  await database.client.execute({ sql: 'VACUUM INTO ?', args: [template] });
  database.close();
  return {
    dir,
    template,
    credentials,
    ids: {
      primary: primary.id,
      pending: pending.id,
      held: held.id,
      othPrimary: othPrimary.id,
      sent: sent.id,
      sentReference: sent.reference,
      draft: draft.id,
      spareToken: spare.id,
      confirmToken,
      handoverToken,
      ackToken,
      testAudience,
      staff,
      mobile: mobile.id,
    },
  };
}

export function removeWorld(world: World | undefined) {
  if (world) rmSync(world.dir, { recursive: true, force: true });
}

/** Row counts of the main tables (for "nothing half-written" checks). */
export const mainTables = [
  'authorities',
  'authority_domains',
  'warps',
  'mailboxes',
  'link_tokens',
  'advisories',
  'deliveries',
  'test_audiences',
  'warp_operators',
  'staff_members',
  'api_tokens',
  'audit_log',
  'domain_checks',
  'bounces',
  'coverage_snapshots',
] as const;

type Client = WorldApp['client'];

async function rows(client: Client, sql: string, args: Array<string | number> = []) {
  const rs = await client.execute({ sql, args });
  return rs.rows.map((r) => JSON.stringify(Object.values(r)));
}

/** Everything a refused request must leave exactly as it was (volatile columns such as last-used left out). */
export async function fullFingerprint(w: WorldApp): Promise<string> {
  const parts: string[] = [];
  for (const table of mainTables) {
    if (table === 'api_tokens')
      parts.push(...(await rows(w.client, 'select id, revoked_at from api_tokens order by id')));
    else if (table === 'audit_log') parts.push(...(await rows(w.client, 'select count(*) from audit_log')));
    else parts.push(table, ...(await rows(w.client, `select * from ${table} order by rowid`)));
  }
  parts.push(...(await rows(w.client, 'select id_hash, revoked_at from sessions order by id_hash')));
  parts.push(`mail:${w.deps.mailer.sent.length}`);
  return parts.join('\n');
}

/** OWN's private world: what a caller outside OWN's scope must never change. */
export async function ownFingerprint(w: WorldApp): Promise<string> {
  const c = w.client;
  const parts = [
    ...(await rows(c, 'select * from authorities where code = ? or warp_id = ? order by code', [OWN, WM])),
    ...(await rows(c, 'select * from authority_domains where authority_code = ? order by domain', [OWN])),
    ...(await rows(c, 'select * from warps where id = ?', [WM])),
    ...(await rows(c, 'select * from mailboxes where authority_code = ? order by id', [OWN])),
    ...(await rows(
      c,
      'select token_hash, used_at from link_tokens where mailbox_id in (select id from mailboxes where authority_code = ?) order by token_hash',
      [OWN],
    )),
    ...(await rows(
      c,
      'select * from advisories where warp_id = ? or id in (select advisory_id from deliveries where authority_code = ?) order by id',
      [WM, OWN],
    )),
    ...(await rows(c, 'select * from deliveries where authority_code = ? order by id', [OWN])),
    ...(await rows(c, 'select * from test_audiences where name like ? order by name', [`${WM}.%`])),
    ...(await rows(c, 'select * from warp_operators where warp_id = ? order by address', [WM])),
    ...(await rows(c, 'select address, disabled_at from staff_members where warp_id = ? order by address', [
      WM,
    ])),
    `mail-to-own:${w.deps.mailer.sent.filter((m) => m.to.toLowerCase().includes('ownshire')).length}`,
  ];
  return parts.join('\n');
}

/** Row counts of the main tables. */
export async function rowCounts(client: Client): Promise<Record<(typeof mainTables)[number], number>> {
  const out = {} as Record<(typeof mainTables)[number], number>;
  for (const table of mainTables) {
    const rs = await client.execute(`select count(*) as n from ${table}`);
    out[table] = Number(rs.rows[0]?.n ?? 0);
  }
  return out;
}

/** Rows this connection has written since it opened (SQLite's total_changes()): 0 more = nothing written. */
export async function totalChanges(client: Client): Promise<number> {
  const rs = await client.execute('select total_changes() as n');
  return Number(rs.rows[0]?.n ?? 0);
}
