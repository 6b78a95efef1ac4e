// The authorisation boundary of every coverage, staff and dashboard route, for each kind of caller: not
// signed in, a council, a WARP operator and an admin (API by token, pages by session).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policy } from '../../src/features/auth/policy.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedCouncils } from '../support/fixtures.js';

type Caller = 'anonymous' | 'council' | 'warp' | 'admin';
const callers: Caller[] = ['anonymous', 'council', 'warp', 'admin'];

let t: TestApp;
const tokens: Partial<Record<Caller, string>> = {};

beforeAll(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  tokens.council = await t.tokenFor('council', { authority: 'CRF' });
  tokens.warp = await t.tokenFor('warp', { warp: 'wales' });
  tokens.admin = await t.tokenFor('admin');
});
afterAll(() => t.close());

// [method, path, body, expected status for anonymous, council, warp, admin]
const api: Array<[string, string, unknown, [number, number, number, number]]> = [
  ['GET', '/api/v1/coverage', undefined, [200, 200, 200, 200]],
  ['GET', '/api/v1/coverage.csv', undefined, [200, 200, 200, 200]],
  ['GET', '/api/v1/coverage/history', undefined, [200, 200, 200, 200]],
  ['POST', '/api/v1/coverage/snapshots', undefined, [401, 403, 403, 200]],
  ['GET', '/api/v1/coverage/chase', undefined, [401, 200, 200, 200]],
  ['GET', '/api/v1/coverage/chase.csv', undefined, [401, 200, 200, 200]],
  ['GET', '/api/v1/staff', undefined, [401, 403, 403, 200]],
  [
    'POST',
    '/api/v1/staff',
    { address: 'duty@ncsc.gov.uk', name: 'Duty officer', role: 'admin' },
    [401, 403, 403, 201],
  ],
  ['DELETE', '/api/v1/staff/nobody@ncsc.gov.uk', undefined, [401, 403, 403, 404]],
];

// [path, expected status for anonymous (303 to /sign-in), council, warp, admin]
const pages: Array<[string, [number, number, number, number]]> = [
  ['/coverage', [200, 200, 200, 200]],
  ['/dashboard', [303, 403, 200, 200]],
  ['/dashboard?by=warp', [303, 403, 200, 200]],
  ['/dashboard/chase', [303, 403, 200, 200]],
  ['/authorities/CRF', [303, 200, 200, 200]], // the council's own; a member of the WARP
  ['/authorities/NWP', [303, 404, 200, 200]], // another council; a member of the WARP
  ['/authorities/CMD', [303, 404, 404, 200]], // outside the WARP
  ['/authorities/NOPE', [303, 404, 404, 404]],
];

describe('the coverage and staff API', () => {
  it('declares every route in the policy table', () => {
    for (const [method, path] of api) {
      const key = `${method} ${path.replace('nobody@ncsc.gov.uk', ':address')}`;
      expect(policy[key], key).toBeDefined();
    }
    for (const key of ['GET /coverage', 'GET /dashboard', 'GET /dashboard/chase', 'GET /authorities/:code'])
      expect(policy[key], key).toBeDefined();
  });

  for (const [method, path, body, expected] of api) {
    it(`${method} ${path}`, async () => {
      const got: number[] = [];
      for (const caller of callers) {
        const res = await t.call(method, path, { token: tokens[caller], body });
        got.push(res.status);
        if (res.status === 201)
          await t.call('DELETE', '/api/v1/staff/duty@ncsc.gov.uk', { token: tokens.admin });
      }
      expect(got).toEqual(expected);
    });
  }
});

describe('the coverage pages', () => {
  for (const [path, expected] of pages) {
    it(`GET ${path}`, async () => {
      const got: number[] = [];
      for (const caller of callers) {
        const b = browser(t);
        if (caller === 'council') await b.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
        if (caller === 'warp') await b.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
        if (caller === 'admin') await b.signInAs(t.deps, { role: 'admin' });
        const res = await b.get(path);
        got.push(res.status);
        if (res.status === 303) expect(res.location).toBe('/sign-in');
      }
      expect(got).toEqual(expected);
    });
  }
});
