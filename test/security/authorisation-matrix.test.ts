// The authorisation matrix: EVERY route the app serves (its own route table), called as every kind of
// caller, checked against one expectation derived from the declared policy table.
//
//   anonymous / expired session  non-public route: 401 (API) or 303 to /sign-in (pages)
//   revoked token                any route, public ones too: 401 / 303 to /sign-in (a bad credential is
//                                refused, never quietly downgraded) and nothing changes
//   a role not in the entry      403, and nothing changes
//   an allowed role, in scope    neither 401 nor 403 (404/409/422 are fine: not every id suits every verb)
//   an allowed role, out of      never 401; a 2xx/3xx answer carries none of OWN's private data and
//   scope (other WARP/council)   OWN's world is left exactly as it was
//   everyone                     never a 5xx (502 only where the route fetches from elsewhere)
//
// The world (test/security/world.ts) is built around one council, OWN: every path parameter names OWN's
// things (its code, its mailbox, the advisory its WARP sent it), so "out of scope" is a real attempt on
// another council's data. A case that may write runs on its own copy of the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Access, policy } from '../../src/features/auth/policy.js';
import { settleBackground } from '../../src/lib/background.js';
import { appRoutes, buildRequest, isPage, type Route } from './requests.js';
import {
  buildWorld,
  fullFingerprint,
  MARK,
  markers,
  OWN,
  openWorld,
  ownFingerprint,
  type PrincipalName,
  removeWorld,
  totalChanges,
  WM,
  type World,
  type WorldApp,
  worldPool,
} from './world.js';

const principals: PrincipalName[] = [
  'anonymous',
  'admin',
  'warp-member',
  'warp-other',
  'council-own',
  'council-other',
  'inbound',
  'revoked-token',
  'expired-session',
];

const role: Partial<Record<PrincipalName, string>> = {
  admin: 'admin',
  'warp-member': 'warp',
  'warp-other': 'warp',
  'council-own': 'council',
  'council-other': 'council',
  inbound: 'inbound',
};

const inScope = new Set<PrincipalName>(['admin', 'warp-member', 'council-own']);

/**
 * Link routes: the unguessable secret in the path is itself the credential (it proves the caller reads the
 * mailbox), so their answers may name that mailbox to whoever holds the link.
 */
const linkRoutes = new Set(['/confirm/:token', '/handover/:token', '/ack/:token', '/sign-in/:token']);

/** Routes that fetch from elsewhere (no network here: the fetch answers 404), so 502 is their honest answer. */
const upstreamRoutes = new Set(['POST /api/v1/register/sync', 'POST /api/v1/register/imports']);

type Expectation =
  | { kind: 'unauthenticated' }
  | { kind: 'forbidden' }
  | { kind: 'allowed' }
  | { kind: 'scoped' }
  | { kind: 'public-anonymous' };

/** The ONE declared expectation, from the policy entry and who is calling. */
function expectationFor(access: Access, who: PrincipalName): Expectation {
  if (who === 'revoked-token') return { kind: 'unauthenticated' };
  const r = role[who];
  if (!r) return access === 'public' ? { kind: 'public-anonymous' } : { kind: 'unauthenticated' };
  if (access !== 'public' && !(access as readonly string[]).includes(r)) return { kind: 'forbidden' };
  return inScope.has(who) ? { kind: 'allowed' } : { kind: 'scoped' };
}

/** A refused request must change nothing; the shared world is used for those (and for reads). */
const mayWrite = (route: Route, e: Expectation) =>
  route.method !== 'GET' && (e.kind === 'allowed' || e.kind === 'scoped' || e.kind === 'public-anonymous');

let world: World;
let shared: WorldApp;
let pool: Awaited<ReturnType<typeof worldPool>>;
beforeAll(async () => {
  world = await buildWorld();
  shared = await openWorld(world);
  pool = await worldPool(world);
}, 60_000);
afterAll(async () => {
  await pool?.close();
  await shared?.close();
  removeWorld(world);
});

describe('the authorisation matrix', () => {
  it('covers every route in the policy table, and every policy entry is a route', () => {
    const routes = appRoutes(shared.app).map((r) => r.key);
    const withoutEntry = routes.filter((k) => !(k in policy));
    const withoutRoute = Object.keys(policy).filter((k) => !routes.includes(k));
    expect(withoutEntry, 'routes with no policy entry (refused to everyone)').toEqual([]);
    expect(withoutRoute, 'policy entries with no route').toEqual([]);
  });

  it('answers every route × caller as the policy table declares', async () => {
    const routes = appRoutes(shared.app);
    const failures: string[] = [];
    let cases = 0;
    // What must not change: the whole shared world under refused requests, OWN's world in a fresh copy
    // under a caller from outside its scope. Compared whenever the connection wrote anything at all
    // (SQLite's total_changes(); authentication's last-used stamps are writes, and are left out).
    let sharedPrint = await fullFingerprint(shared);
    const freshOwnPrint = await ownFingerprint(await pool.fresh());
    for (const route of routes) {
      const access = policy[route.key];
      if (access === undefined) {
        failures.push(`${route.key}: no policy entry (the route is refused to everyone)`);
        continue;
      }
      for (const who of principals) {
        cases++;
        const expectation = expectationFor(access, who);
        const fresh = mayWrite(route, expectation);
        const w = fresh ? await pool.fresh() : shared;
        const { path, init } = buildRequest(route, who, world);
        const changesBefore = await totalChanges(w.client);
        const res = await w.app.request(path, init);
        const text = await res.text();
        await settleBackground(w.deps.db);
        const wrote = (await totalChanges(w.client)) !== changesBefore;
        const where = `${route.key} as ${who} (${init.method} ${path}) → ${res.status}`;
        const fail = (why: string) =>
          failures.push(`${where}: ${why}; ${text.slice(0, 160).replace(/\s+/g, ' ')}`);

        if (res.status >= 500 && !(res.status === 502 && upstreamRoutes.has(route.key))) fail('a 5xx');
        const page = isPage(route.path);
        switch (expectation.kind) {
          case 'unauthenticated':
            if (page) {
              if (res.status !== 303 || res.headers.get('location') !== '/sign-in')
                fail('expected 303 to /sign-in');
            } else if (res.status !== 401) fail('expected 401');
            break;
          case 'forbidden':
            if (res.status !== 403) fail('expected 403');
            break;
          case 'allowed':
            if (res.status === 401 || res.status === 403) fail('an allowed caller was refused');
            break;
          case 'scoped':
            if (res.status === 401) fail('a signed-in caller was told to sign in');
            break;
          case 'public-anonymous':
            if (res.status === 401 || res.status === 403) fail('a public route refused an anonymous caller');
            break;
        }
        // Nobody outside OWN's scope sees or changes OWN's private data. On link routes the secret in the
        // path is the credential (it proves the caller reads the mailbox), so they are left out.
        const link = linkRoutes.has(route.path);
        if (!inScope.has(who) && res.status < 400 && !link) {
          const leaked = markers.filter((m) => text.toLowerCase().includes(m.toLowerCase()));
          if (leaked.length) fail(`leaked ${leaked.join(', ')}`);
        }
        if (!fresh && wrote) {
          const now = await fullFingerprint(shared);
          if (
            now !== sharedPrint &&
            (expectation.kind === 'unauthenticated' || expectation.kind === 'forbidden')
          )
            fail('a refused request changed data');
          sharedPrint = now;
        }
        if (
          fresh &&
          wrote &&
          expectation.kind === 'scoped' &&
          !link &&
          (await ownFingerprint(w)) !== freshOwnPrint
        )
          fail('a caller outside the scope changed OWN’s data');
      }
    }
    expect(failures).toEqual([]);
    expect(cases).toBe(routes.length * principals.length);
    console.info(
      `authorisation matrix: ${routes.length} routes × ${principals.length} callers = ${cases} cases`,
    );
  }, 120_000);

  it('shows the in-scope callers OWN’s data (so the leak check above can fail)', async () => {
    const get = async (path: string, who: PrincipalName) => {
      const { init } = buildRequest({ method: 'GET', path, key: `GET ${path}` }, who, world);
      return (await shared.app.request(path, init)).text();
    };
    expect(await get(`/api/v1/authorities/${OWN}/mailboxes`, 'council-own')).toContain(MARK.primary);
    expect(await get(`/api/v1/advisories/${world.ids.sent}`, 'council-own')).toContain(MARK.title);
    expect(await get(`/api/v1/mailboxes/${world.ids.pending}`, 'warp-member')).toContain(MARK.pending);
    expect(await get(`/api/v1/test-audiences/${world.ids.testAudience}`, 'warp-member')).toContain(MARK.desk);
    expect(await get(`/authorities/${OWN}`, 'council-own')).toContain(MARK.primary);
    expect(await get(`/api/v1/warps/${WM}`, 'warp-other')).toContain('Ownshire Council'); // register data is shared
  });
});
