import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { TEST_OPENPGP_PRIVATE_KEY } from '../support/openpgp-key.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe('service basics', () => {
  it('answers /healthz and /readyz once migrations are applied', async () => {
    const health = await t.call('GET', '/healthz');
    expect(health.status).toBe(200);
    // Ready (not degraded) needs every part: here, an OpenPGP key to sign advisories with.
    const signing = await makeTestApp({ env: { OPENPGP_PRIVATE_KEY: TEST_OPENPGP_PRIVATE_KEY } });
    const ready = await signing.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
    signing.close();
  });

  it('reports not ready on a database without migrations', async () => {
    const { openLibsqlDatabase } = await import('../../src/adapters/db-libsql.js');
    const { createApp } = await import('../../src/app.js');
    const empty = await openLibsqlDatabase(':memory:');
    const app = createApp({ ...t.deps, db: empty.db });
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).detail).toContain('no migrations');
    empty.close();
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await t.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ status: 404, code: 'not_found', title: 'Not found' });
    expect(body.requestId).toBeTruthy();
  });

  it('sets security headers and a request id, keeping a well-formed incoming one', async () => {
    const res = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'abc-12345678' } });
    expect(res.headers.get('x-request-id')).toBe('abc-12345678');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const other = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(other.headers.get('x-request-id')).not.toContain('bad');
  });

  it('logs one structured line per request with its request id', async () => {
    await t.call('GET', '/healthz', { headers: { 'x-request-id': 'log-test-0001' } });
    const line = t.log.lines.find((l) => l.msg === 'request' && l.requestId === 'log-test-0001');
    expect(line).toMatchObject({ method: 'GET', path: '/healthz', status: 200, level: 'info' });
  });

  it('refuses a body over the limit with 413 problem+json', async () => {
    const token = await t.tokenFor('admin');
    const res = await t.call('POST', '/api/v1/tokens', {
      token,
      body: JSON.stringify({ role: 'admin', name: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect((await res.json()).code).toBe('payload_too_large');
  });

  it('never sends a stack trace to the client', async () => {
    const { createApp } = await import('../../src/app.js');
    const app = createApp({
      ...t.deps,
      db: new Proxy(t.deps.db, {
        get() {
          throw new Error('secret internal detail at /some/path.ts:12');
        },
      }),
    });
    const token = await t.tokenFor('admin');
    const res = await app.request('/api/v1/tokens', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text)).toMatchObject({ code: 'internal', status: 500 });
  });

  it('publishes an OpenAPI 3.1 document and a reference page that needs no internet', async () => {
    const res = await t.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/tokens');
    const docs = await t.call('GET', '/docs');
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('/api/v1/tokens');
    // Nothing is loaded from another host: every script and stylesheet is served by the app itself.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);
    expect(html).toContain('href="/assets/govuk-frontend.min.css"');
  });
});
