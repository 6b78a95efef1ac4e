// The deny-by-default policy table matches the app's own route table, both ways, and an anonymous caller
// gets nothing but 401 (API) or the sign-in page (pages) from every protected route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policy } from '../../src/features/auth/policy.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  // The Node entry serves GOV.UK Frontend under /assets; give the app that route too.
  t = await makeTestApp({ deps: { assets: async (c) => c.text('asset') } });
});
afterAll(() => t.close());

function appRoutes(app: TestApp['app']) {
  return [
    ...new Set(
      app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.path}`),
    ),
  ].sort();
}

describe('the route policy table', () => {
  it('has an entry for every route the app serves (deny by default)', () => {
    const missing = appRoutes(t.app).filter((key) => !(key in policy));
    expect(missing).toEqual([]);
  });

  it('has no entry for a route that does not exist', () => {
    const routes = new Set(appRoutes(t.app));
    expect(Object.keys(policy).filter((key) => !routes.has(key))).toEqual([]);
  });

  it('answers 403 for a route missing from the table, even to an admin', async () => {
    const { createApp } = await import('../../src/app.js');
    const app = createApp(t.deps);
    app.get('/api/v1/unlisted', (c) => c.text('should not be reachable'));
    const token = await t.tokenFor('admin');
    const res = await app.request('/api/v1/unlisted', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('should not be reachable');
  });

  it('refuses anonymous callers on every protected route', async () => {
    for (const key of appRoutes(t.app)) {
      if (policy[key] === 'public') continue;
      const [method, path] = key.split(' ') as [string, string];
      const url = path.replace(/:[a-z]+/gi, 'x1').replace('*', 'x');
      const res = await t.app.request(url, { method, headers: { accept: 'application/json' } });
      expect([401, 404], `${key} answered ${res.status}`).toContain(res.status);
      if (res.status === 404) expect(path).toMatch(/:/); // only an id that does not exist may be 404
    }
  });
});
