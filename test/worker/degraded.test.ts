// The Worker without working settings, as a first `wrangler dev` or a deployment whose secrets are not yet
// put: without the SES secrets it runs degraded (pages and the API answer, /readyz names what is missing,
// and only what needs e-mail is refused, writing nothing); with a setting that is wrong it cannot start,
// and still answers liveness, readiness (naming the setting) and a clear 503, never a bare 500.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  buildWorker,
  insertAdminToken,
  type OutboundFakes,
  outboundFakes,
  startWorker,
  tempDir,
  type WorkerBuild,
  type WorkerUnderTest,
} from './support.js';

let build: WorkerBuild;
let persist: ReturnType<typeof tempDir>;
let bundleDir: ReturnType<typeof tempDir>;
let fakes: OutboundFakes;
let degraded: WorkerUnderTest;
let misconfigured: WorkerUnderTest;
let admin: string;
let fresh: WorkerUnderTest;
let freshPersist: ReturnType<typeof tempDir>;
const bootstrapToken = `boot_${randomBytes(24).toString('base64url')}`;

const csv = [
  'local-authority-code,official-name,nice-name,gss-code,nation,region,local-authority-type,local-authority-type-name,county-la,start-date,end-date,replaced-by,current-authority,alt-names',
  'DGR,Degraded District Council,Degraded,E07000901,England,South East,NMD,Non-metropolitan district,,2020-04-01,,,True,',
  '',
].join('\n');

beforeAll(async () => {
  persist = tempDir('cc-d1-degraded-');
  freshPersist = tempDir('cc-d1-bootstrap-');
  bundleDir = tempDir('cc-bundle-degraded-');
  [build] = await Promise.all([
    buildWorker(bundleDir.path),
    applyMigrations(persist.path),
    applyMigrations(freshPersist.path),
  ]);
  fresh = await startWorker({
    build,
    persistDir: freshPersist.path,
    fakes: outboundFakes(),
    bindings: { BOOTSTRAP_ADMIN_TOKEN_SHA256: createHash('sha256').update(bootstrapToken).digest('hex') },
  });
  fakes = outboundFakes();
  degraded = await startWorker({
    build,
    persistDir: persist.path,
    fakes,
    omit: ['SES_ACCESS_KEY_ID', 'SES_SECRET_ACCESS_KEY'],
  });
  misconfigured = await startWorker({ build, fakes, bindings: { PUBLIC_BASE_URL: 'not a url' } });
  admin = await insertAdminToken((q, ...params) => degraded.sql(q, ...params));
}, 180_000);

afterAll(async () => {
  await degraded?.dispose();
  await misconfigured?.dispose();
  await fresh?.dispose();
  persist?.remove();
  freshPersist?.remove();
  bundleDir?.remove();
});

const count = async (table: string) =>
  (await degraded.sql<{ n: number }>(`select count(*) as n from ${table}`))[0]!.n;

describe('without the SES secrets: degraded, not down', { timeout: 60_000 }, () => {
  it('is alive, and ready but degraded, naming exactly the missing secrets', async () => {
    const health = await degraded.fetch('/healthz');
    expect(health.status).toBe(200);
    const ready = await degraded.fetch('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'degraded',
      checks: {
        database: { ok: true },
        mail: { ok: false, missing: ['SES_ACCESS_KEY_ID', 'SES_SECRET_ACCESS_KEY'] },
      },
    });
  });

  it('serves pages and the API, and does what needs no mail (a register import)', async () => {
    for (const path of ['/', '/register', '/sign-in', '/coverage', '/accessibility']) {
      const page = await degraded.fetch(path, { headers: { accept: 'text/html' } });
      expect(page.status, path).toBe(200);
      expect(await page.text()).toContain('govuk-header');
    }
    const imported = await degraded.fetch('/api/v1/register/imports', {
      method: 'POST',
      token: admin,
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const authority = await degraded.fetch('/api/v1/authorities/DGR', { token: admin });
    expect(authority.status).toBe(200);
  });

  it('refuses a registration with a clear problem naming the settings, and writes nothing', async () => {
    const res = await degraded.fetch('/api/v1/mailboxes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        authority: 'DGR',
        address: 'cyber@degraded.gov.uk',
        kind: 'primary',
        team: 'Cyber Security Team',
        phone: '01632 960000',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { detail: string; missing?: string[] };
    expect(problem.detail).toMatch(
      /cannot send e-mail yet: Amazon SES needs SES_ACCESS_KEY_ID, SES_SECRET_ACCESS_KEY/,
    );
    expect(problem.detail).toMatch(/Nothing was changed/);
    expect(await count('mailboxes')).toBe(0);
    expect(await count('outbound_mail')).toBe(0);
  });

  it('says so on the sign-in page instead of "check your mailbox"', async () => {
    const form = await degraded.fetch('/sign-in', { headers: { accept: 'text/html' } });
    const cookie = form.headers.get('set-cookie')?.split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const res = await degraded.fetch('/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
      body: new URLSearchParams({ _csrf: csrf, address: 'cyber@degraded.gov.uk' }).toString(),
    });
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('We cannot send e-mail at the moment');
    // The settings are for administrators (/readyz, the API), not for the public page.
    expect(html).not.toContain('SES_ACCESS_KEY_ID');
  });

  it('the scheduled jobs run without sending or failing: the sweep is skipped, nobody is marked stale', async () => {
    expect(await degraded.scheduled('17 */6 * * *')).toBe('ok');
    expect(await degraded.scheduled('*/5 * * * *')).toBe('ok');
    expect(fakes.ses).toHaveLength(0);
  });
});

describe('with a setting that is wrong: cannot start, and says which', { timeout: 60_000 }, () => {
  it('answers liveness, readiness naming the setting, and a 503 problem elsewhere', async () => {
    expect((await misconfigured.fetch('/healthz')).status).toBe(200);
    const ready = await misconfigured.fetch('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', settings: ['PUBLIC_BASE_URL'] });
    const page = await misconfigured.fetch('/');
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toContain('application/problem+json');
    const body = await page.text();
    expect(body).toContain('PUBLIC_BASE_URL');
    expect(body).not.toContain('not a url');
  });
});

describe('the first admin on the edge, without SQL', { timeout: 60_000 }, () => {
  it('the bootstrap token creates an admin token while none exists, audited, and is refused afterwards', async () => {
    const created = await fresh.fetch('/api/v1/tokens', {
      method: 'POST',
      token: bootstrapToken,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin', name: 'First admin' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const audit = await fresh.sql<{ action: string; actor: string }>(
      `select action, actor from audit_log where actor = 'bootstrap' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.bootstrap', 'token.create']));
    expect((await fresh.fetch('/api/v1/tokens', { token: bootstrapToken })).status).toBe(401);
    expect((await fresh.fetch('/api/v1/tokens', { token })).status).toBe(200);
  });
});
