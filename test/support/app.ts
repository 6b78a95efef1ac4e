// The test app: a fresh in-memory database with the real migrations, a fixed clock, a captured log.

import { expect } from 'vitest';
import { migrateDatabase, openLibsqlDatabase } from '../../src/adapters/db-libsql.js';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import { memoryResolver } from '../../src/adapters/resolver-memory.js';
import { memorySms } from '../../src/adapters/sms-memory.js';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import type { TokenRole } from '../../src/features/auth/tokens.js';
import { settleBackground } from '../../src/lib/background.js';
import { fixedClock } from '../../src/ports/clock.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { cryptoRandom } from '../../src/ports/random.js';
import { apiClient, type RequestBody, type Schemas } from './api-client.js';
import { advisoryBody, insertToken, TEST_NOW } from './fixtures.js';
import { sendQueuedMailAtOnce } from './mail-queue.js';

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: string;
  deps?: Partial<Deps>;
}

export async function makeTestApp(options: TestAppOptions = {}) {
  const database = await openLibsqlDatabase(':memory:');
  await migrateDatabase(database.db);
  const clock = fixedClock(options.now ?? TEST_NOW);
  const log = memoryLogger('debug');
  const config = parseConfig({
    PUBLIC_BASE_URL: 'http://cyber-contacts.test',
    LOG_LEVEL: 'silent',
    // The clock stands still in tests: bulk mail is not spread out unless a test says so.
    BULK_MAIL_PER_MINUTE: '600000000',
    ...options.env,
  });
  const mailer = memoryMailer();
  const sms = memorySms();
  const deps: Deps = {
    config,
    mailer,
    sms,
    db: database.db,
    clock,
    log,
    random: cryptoRandom(() => clock.now().getTime()),
    fetch: (...args) => fetch(...args),
    // DNS: an empty zone map (every name NXDOMAIN) unless the test passes its own resolver.
    resolver: memoryResolver(),
    ...options.deps,
  };
  sendQueuedMailAtOnce(deps);
  const app = createApp(deps);

  /** Creates a token through the real code path and returns its secret. */
  async function tokenFor(role: TokenRole, scope: { warp?: string; authority?: string } = {}) {
    const created = await insertToken(
      deps.db,
      { role, warpId: scope.warp, authorityCode: scope.authority },
      { now: deps.clock.now() },
    );
    return created.secret;
  }

  /**
   * A request with a bearer token and, for objects, a JSON body. It returns once the work the request left
   * running in the background (a registration's mail, a sign-in link) is done, as a test then expects.
   */
  async function call(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: BodyInit | undefined;
    if (typeof opts.body === 'string') body = opts.body;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, { method, headers, body });
    await settleBackground(deps.db);
    return res;
  }

  return {
    app,
    deps,
    mailer,
    get sms() {
      return deps.sms as ReturnType<typeof memorySms>;
    },
    db: database.db,
    client: database.client,
    clock,
    log,
    tokenFor,
    call,
    /** The typed API client (support/api-client.ts), as the caller with this token (anonymous without). */
    api: (token?: string) => apiClient({ app, deps }, token),
    close: database.close,
  };
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;

/** A test app's `call`, or anything that calls the API the same way. */
export type Call = (
  method: string,
  path: string,
  opts?: { token?: string; body?: unknown },
) => Promise<Response>;

/**
 * POST /api/v1/advisories (an `advisoryBody` with the overrides), expecting 201. The body and the answer
 * are typed from the OpenAPI document (api-client.ts).
 */
export async function createAdvisory(
  call: Call,
  token: string,
  overrides: Partial<RequestBody<'createAdvisory'>> = {},
): Promise<Schemas['Advisory']> {
  // The overrides are typed at the call; advisoryBody's defaults are typed in fixtures.ts.
  const body = advisoryBody(overrides) as RequestBody<'createAdvisory'>;
  const res = await call('POST', '/api/v1/advisories', { token, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Schemas['Advisory'];
}

/**
 * Where a page's post/redirect/get lands, as a browser goes there: a 303 to a page of this site is
 * followed (GET, with the cookies the redirect set); anything else is returned as it is.
 */
export async function landOn(t: Pick<TestApp, 'app'>, res: Response): Promise<Response> {
  const location = res.headers.get('location');
  if (res.status !== 303 || !location?.startsWith('/')) return res;
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return t.app.request(location, { headers: { accept: 'text/html', ...(cookie && { cookie }) } });
}
