import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { operations, Schemas } from '../support/api-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  insertAuthority,
  insertDomains,
  insertSuccessors,
  insertWarp,
  revokeSecret,
} from '../support/fixtures.js';

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  admin = await t.tokenFor('admin');
  const db = t.db;
  await insertWarp(db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  await insertWarp(db, { id: 'london', name: 'London WARP', region: 'London' });
  await insertWarp(db, { id: 'south-east', name: 'South East WARP', region: 'South East' });
  const wales = { nation: 'Wales', region: 'Wales', warpId: 'wales' };
  await insertAuthority(db, {
    code: 'CRF',
    name: 'Cardiff Council',
    shortName: 'Cardiff',
    gss: 'W06000015',
    type: 'UA',
    typeName: 'Unitary authority',
    altNames: 'Cyngor Caerdydd|City of Cardiff Council',
    startDate: '1996-04-01',
    ...wales,
  });
  await insertAuthority(db, {
    code: 'NWP',
    name: 'Newport City Council',
    shortName: 'Newport',
    type: 'UA',
    ...wales,
  });
  await insertAuthority(db, {
    code: 'BNP',
    name: 'Bannau Brycheiniog National Park Authority',
    type: 'WPA',
    ...wales,
  });
  const london = { region: 'London', warpId: 'london', type: 'LBO', typeName: 'London borough' };
  await insertAuthority(db, { code: 'CMD', name: 'Camden London Borough Council', ...london });
  await insertAuthority(db, { code: 'ISL', name: 'Islington London Borough Council', ...london });
  await insertAuthority(db, {
    code: 'BUC',
    name: 'Buckinghamshire Council',
    type: 'UA',
    county: null,
    startDate: '2020-04-01',
    warpId: 'south-east',
  });
  for (const [code, name] of [
    ['AYL', 'Aylesbury Vale District Council'],
    ['WYO', 'Wycombe District Council'],
  ] as const) {
    await insertAuthority(db, {
      code,
      name,
      county: 'Buckinghamshire',
      current: false,
      endDate: '2020-03-31',
      replacedBy: ['BUC'],
      warpId: 'south-east',
    });
    await insertSuccessors(db, code, ['BUC']);
  }
  await insertAuthority(db, { code: 'OLD', name: 'Old Test_Town Council', current: false });
  await insertSuccessors(db, 'OLD', ['NEW1']);
  await insertAuthority(db, { code: 'TXT', name: 'TestXTown Council' });
  await insertDomains(t.db, 'CRF', ['cardiff.gov.uk', 'caerdydd.gov.uk']);
});
afterEach(() => t.close());

type ListQuery = NonNullable<operations['listAuthorities']['parameters']['query']>;

/** GET /api/v1/authorities through the typed client: the query and the answer are checked by tsc. */
async function list(query: ListQuery = {}, token = admin) {
  const { data, response } = await t.api(token).GET('/api/v1/authorities', { params: { query } });
  expect(response.status).toBe(200);
  return data!;
}
/** GET /api/v1/authorities/{code} as an admin, through the typed client. */
async function authority(code: string) {
  const { data, response } = await t
    .api(admin)
    .GET('/api/v1/authorities/{code}', { params: { path: { code } } });
  expect(response.status, code).toBe(200);
  return data!;
}
const codes = (page: Schemas['AuthorityList']) => page.items.map((i) => i.code);

describe('GET /api/v1/authorities', () => {
  it('lists every authority, current and former, ordered by name', async () => {
    const page = await list();
    expect(page).toMatchObject({ total: 10, limit: 100, offset: 0 });
    expect(codes(page)).toEqual(['AYL', 'BNP', 'BUC', 'CMD', 'CRF', 'ISL', 'NWP', 'OLD', 'TXT', 'WYO']);
  });

  it('filters by nation, region, type, WARP and status', async () => {
    expect(codes(await list({ nation: 'Wales' }))).toEqual(['BNP', 'CRF', 'NWP']);
    expect(codes(await list({ region: 'London' }))).toEqual(['CMD', 'ISL']);
    expect(codes(await list({ type: 'WPA' }))).toEqual(['BNP']);
    expect(codes(await list({ warp: 'south-east' }))).toEqual(['AYL', 'BUC', 'WYO']);
    expect(codes(await list({ status: 'former' }))).toEqual(['AYL', 'OLD', 'WYO']);
    expect((await list({ status: 'current' })).total).toBe(7);
  });

  it('accepts repeated and comma-separated values, and type codes in any case', async () => {
    const expected = ['BUC', 'CMD', 'CRF', 'ISL', 'NWP'];
    expect(codes(await list({ type: 'UA,lbo' }))).toEqual(expected);
    expect(codes(await list({ type: ['UA', 'LBO'] }))).toEqual(expected);
    expect(codes(await list({ warp: ['wales', 'london'] }))).toEqual(['BNP', 'CMD', 'CRF', 'ISL', 'NWP']);
  });

  it('combines filters with AND', async () => {
    expect(codes(await list({ nation: 'England', type: 'NMD', status: 'former' }))).toEqual([
      'AYL',
      'OLD',
      'WYO',
    ]);
    expect(codes(await list({ warp: 'south-east', status: 'current' }))).toEqual(['BUC']);
    expect(codes(await list({ nation: 'Wales', q: 'newport' }))).toEqual(['NWP']);
    expect((await list({ nation: 'Scotland', type: 'UA' })).total).toBe(0);
  });

  it('searches code, name, short name and alternative names, case-insensitively', async () => {
    expect(codes(await list({ q: 'caerdydd' }))).toEqual(['CRF']); // an alternative name only
    expect(codes(await list({ q: 'crf' }))).toEqual(['CRF']); // the code
    expect(codes(await list({ q: 'LONDON BOROUGH' }))).toEqual(['CMD', 'ISL']);
    expect(codes(await list({ q: '  ' }))).toHaveLength(10); // blank is no search
  });

  it('treats LIKE wildcards in q literally', async () => {
    expect(codes(await list({ q: 'Test_Town' }))).toEqual(['OLD']);
    expect(codes(await list({ q: '%' }))).toEqual([]);
    expect(codes(await list({ q: '_' }))).toEqual(['OLD']);
  });

  it('pages with limit and offset and reports the total of the whole filter', async () => {
    const first = await list({ limit: 4 });
    expect(first).toMatchObject({ total: 10, limit: 4, offset: 0 });
    expect(codes(first)).toEqual(['AYL', 'BNP', 'BUC', 'CMD']);
    const last = await list({ limit: 4, offset: 8 });
    expect(last).toMatchObject({ total: 10, limit: 4, offset: 8 });
    expect(codes(last)).toEqual(['TXT', 'WYO']);
    expect(codes(await list({ limit: 2, offset: 1, nation: 'Wales' }))).toEqual(['CRF', 'NWP']);
    expect((await list({ limit: 500 })).limit).toBe(500);
  });

  it('refuses a bad limit, offset or status with 422 problem+json', async () => {
    for (const q of ['?limit=501', '?limit=0', '?offset=-1', '?limit=ten', '?status=gone']) {
      const res = await t.call('GET', `/api/v1/authorities${q}`, { token: admin });
      expect(res.status, q).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'validation_failed', status: 422 });
    }
  });

  it('answers list items with the authority fields and its WARP, without domains or lineage', async () => {
    const page = await list({ q: 'cardiff' });
    expect(page.items).toEqual([
      {
        code: 'CRF',
        name: 'Cardiff Council',
        shortName: 'Cardiff',
        gss: 'W06000015',
        nation: 'Wales',
        region: 'Wales',
        type: 'UA',
        typeName: 'Unitary authority',
        county: null,
        status: 'current',
        startDate: '1996-04-01',
        endDate: null,
        warp: { id: 'wales', name: 'Wales WARP' },
      },
    ]);
    const old = await list({ q: 'OLD' });
    expect(old.items[0]).toMatchObject({ code: 'OLD', status: 'former', warp: null });
  });
});

describe('GET /api/v1/authorities/{code}', () => {
  it('answers the authority with its WARP, sorted domains, successors and predecessors', async () => {
    const { data, response } = await t
      .api(admin)
      .GET('/api/v1/authorities/{code}', { params: { path: { code: 'crf' } } });
    expect(response.status).toBe(200);
    expect(data).toEqual({
      code: 'CRF',
      name: 'Cardiff Council',
      shortName: 'Cardiff',
      gss: 'W06000015',
      nation: 'Wales',
      region: 'Wales',
      type: 'UA',
      typeName: 'Unitary authority',
      county: null,
      status: 'current',
      startDate: '1996-04-01',
      endDate: null,
      warp: { id: 'wales', name: 'Wales WARP' },
      domains: ['caerdydd.gov.uk', 'cardiff.gov.uk'],
      successors: [],
      predecessors: [],
    });
  });

  it('links a reorganisation both ways', async () => {
    const buc = await authority('BUC');
    expect(buc.predecessors).toEqual([
      { code: 'AYL', name: 'Aylesbury Vale District Council', status: 'former' },
      { code: 'WYO', name: 'Wycombe District Council', status: 'former' },
    ]);
    expect(buc.successors).toEqual([]);
    const ayl = await authority('AYL');
    expect(ayl).toMatchObject({ status: 'former', endDate: '2020-03-31', county: 'Buckinghamshire' });
    expect(ayl.successors).toEqual([{ code: 'BUC', name: 'Buckinghamshire Council', status: 'current' }]);
    expect(ayl.predecessors).toEqual([]);
  });

  it('keeps a successor that is not in the register, with name null', async () => {
    const old = await authority('old');
    expect(old.successors).toEqual([{ code: 'NEW1', name: null, status: null }]);
  });

  it('answers 404 problem+json for an unknown code', async () => {
    const { error, response } = await t
      .api(admin)
      .GET('/api/v1/authorities/{code}', { params: { path: { code: 'NOPE' } } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(error).toMatchObject({ code: 'not_found', status: 404 });
  });
});

describe('authorities: who may read', () => {
  const routes = ['/api/v1/authorities', '/api/v1/authorities/CRF'];

  it('refuses anonymous callers and revoked tokens with 401 problem+json', async () => {
    const revoked = await revokeSecret(t, await t.tokenFor('admin'));
    for (const path of routes) {
      for (const token of [undefined, revoked]) {
        const res = await t.call('GET', path, { token });
        expect(res.status, `${path} ${token ? 'revoked' : 'anonymous'}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect((await res.json()).code).toBe('unauthenticated');
      }
    }
  });

  it('lets admin, WARP and council tokens read', async () => {
    const tokens = [
      admin,
      await t.tokenFor('warp', { warp: 'london' }),
      await t.tokenFor('council', { authority: 'CMD' }),
    ];
    for (const path of routes) {
      for (const token of tokens) {
        const res = await t.call('GET', path, { token });
        expect(res.status, path).toBe(200);
      }
    }
  });

  it('refuses an inbound (mail webhook) token with 403', async () => {
    const inbound = await t.tokenFor('inbound');
    const res = await t.call('GET', '/api/v1/authorities', { token: inbound });
    expect(res.status).toBe(403);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    expect(doc.paths['/api/v1/authorities'].get.tags).toEqual(['Authorities']);
    expect(doc.paths['/api/v1/authorities/{code}'].get).toBeTruthy();
    expect(doc.components.schemas).toHaveProperty('Authority');
    expect(doc.components.schemas).toHaveProperty('AuthorityList');
    const params = doc.paths['/api/v1/authorities'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(['nation', 'region', 'type', 'warp', 'status', 'q', 'limit']),
    );
  });
});
