import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, authorities, warps } from '../../src/db/schema.js';
import { defaultWarpInserts } from '../../src/features/authority-register/default-warps.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertWarp, revokeSecret } from '../support/fixtures.js';

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  admin = await t.tokenFor('admin');
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  await insertWarp(t.db, { id: 'london', name: 'London WARP', region: 'London' });
  await insertWarp(t.db, { id: 'empty', name: 'Empty WARP' });
  const wales = { nation: 'Wales', region: 'Wales', warpId: 'wales' };
  await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council', ...wales });
  await insertAuthority(t.db, { code: 'NWP', name: 'Newport City Council', ...wales });
  await insertAuthority(t.db, { code: 'GWE', name: 'Gwent County Council', current: false, ...wales });
  await insertAuthority(t.db, { code: 'CMD', name: 'Camden London Borough Council', warpId: 'london' });
  await insertAuthority(t.db, { code: 'ZZA', name: 'Unassigned Council', warpId: null });
});
afterEach(() => t.close());

const warpOf = async (code: string) =>
  (await t.db.select({ w: authorities.warpId }).from(authorities).where(eq(authorities.code, code)))[0]?.w;
const audits = (action: string) => t.db.select().from(auditLog).where(eq(auditLog.action, action));

describe('reading WARPs', () => {
  it('lists WARPs by name with current and total member counts', async () => {
    const res = await t.call('GET', '/api/v1/warps', { token: admin });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ total: 3, limit: 100, offset: 0 });
    expect(
      body.items.map((w: { id: string; currentMembers: number; totalMembers: number }) => [
        w.id,
        w.currentMembers,
        w.totalMembers,
      ]),
    ).toEqual([
      ['empty', 0, 0],
      ['london', 1, 1],
      ['wales', 2, 3],
    ]);
    expect(body.items[2]).toEqual({
      id: 'wales',
      name: 'Wales WARP',
      region: 'Wales',
      currentMembers: 2,
      totalMembers: 3,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('pages the list', async () => {
    const body = await (await t.call('GET', '/api/v1/warps?limit=1&offset=1', { token: admin })).json();
    expect(body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(body.items.map((w: { id: string }) => w.id)).toEqual(['london']);
    expect((await t.call('GET', '/api/v1/warps?limit=501', { token: admin })).status).toBe(422);
  });

  it('lists the default WARPs once they are created', async () => {
    await t.db.batch(defaultWarpInserts(t.deps) as unknown as Parameters<typeof t.db.batch>[0]);
    const body = await (await t.call('GET', '/api/v1/warps?limit=500', { token: admin })).json();
    expect(body.total).toBe(3 + 12 - 2); // "wales" and "london" already existed
    expect(body.items.map((w: { id: string }) => w.id)).toContain('yorkshire-and-the-humber');
  });

  it('answers one WARP with its members, former ones included, by name', async () => {
    const res = await t.call('GET', '/api/v1/warps/wales', { token: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: 'wales',
      name: 'Wales WARP',
      currentMembers: 2,
      totalMembers: 3,
      members: [
        { code: 'CRF', name: 'Cardiff Council', status: 'current' },
        { code: 'GWE', name: 'Gwent County Council', status: 'former' },
        { code: 'NWP', name: 'Newport City Council', status: 'current' },
      ],
    });
    const empty = await (await t.call('GET', '/api/v1/warps/empty', { token: admin })).json();
    expect(empty.members).toEqual([]);
  });

  it('answers 404 problem+json for an unknown WARP', async () => {
    const res = await t.call('GET', '/api/v1/warps/nope', { token: admin });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('creating, renaming and deleting WARPs', () => {
  it('creates a WARP with an id slugged from its name, and audits it', async () => {
    const res = await t.call('POST', '/api/v1/warps', {
      token: admin,
      body: { name: '  South Wales Councils ' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      id: 'south-wales-councils',
      name: 'South Wales Councils',
      region: null,
      currentMembers: 0,
      totalMembers: 0,
    });
    const [entry] = await audits('warp.create');
    expect(entry).toMatchObject({
      subjectType: 'warp',
      subjectId: 'south-wales-councils',
      after: { id: 'south-wales-councils', name: 'South Wales Councils' },
    });
  });

  it('creates a WARP with a given id', async () => {
    const res = await t.call('POST', '/api/v1/warps', {
      token: admin,
      body: { id: 'sw', name: 'South West' },
    });
    expect(res.status).toBe(201);
    expect((await (await t.call('GET', '/api/v1/warps/sw', { token: admin })).json()).name).toBe(
      'South West',
    );
  });

  it('answers 409 for an id already in use, given or derived', async () => {
    for (const body of [{ id: 'wales', name: 'Another' }, { name: 'Wales' }]) {
      const res = await t.call('POST', '/api/v1/warps', { token: admin, body });
      expect(res.status).toBe(409);
      expect((await res.json()).code).toBe('conflict');
    }
    expect((await t.db.select().from(warps).where(eq(warps.id, 'wales')))[0]?.name).toBe('Wales WARP');
    expect(await audits('warp.create')).toHaveLength(0);
  });

  it('refuses bad bodies with 422', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: '   ' },
      { name: '!!!' }, // no slug can be made
      { id: 'Not A Slug', name: 'x' },
      { id: '-x', name: 'x' },
      { name: 'x', extra: true },
    ]) {
      const res = await t.call('POST', '/api/v1/warps', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('renames a WARP and audits the old and new names', async () => {
    t.clock.advance(60_000);
    const res = await t.call('PATCH', '/api/v1/warps/wales', { token: admin, body: { name: 'WARP Cymru' } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ id: 'wales', name: 'WARP Cymru', totalMembers: 3 });
    expect(body.updatedAt).toBe(t.clock.now().toISOString());
    const [entry] = await audits('warp.rename');
    expect(entry).toMatchObject({
      subjectId: 'wales',
      before: { name: 'Wales WARP' },
      after: { name: 'WARP Cymru' },
    });
    const authority = await (await t.call('GET', '/api/v1/authorities/CRF', { token: admin })).json();
    expect(authority.warp).toEqual({ id: 'wales', name: 'WARP Cymru' });
  });

  it('answers 404 renaming an unknown WARP, 422 for a bad body', async () => {
    expect((await t.call('PATCH', '/api/v1/warps/nope', { token: admin, body: { name: 'x' } })).status).toBe(
      404,
    );
    expect((await t.call('PATCH', '/api/v1/warps/wales', { token: admin, body: { id: 'x' } })).status).toBe(
      422,
    );
  });

  it('deletes an empty WARP and audits it', async () => {
    const res = await t.call('DELETE', '/api/v1/warps/empty', { token: admin });
    expect(res.status).toBe(204);
    expect(await t.db.select().from(warps).where(eq(warps.id, 'empty'))).toHaveLength(0);
    const [entry] = await audits('warp.delete');
    expect(entry).toMatchObject({ subjectType: 'warp', subjectId: 'empty', before: { name: 'Empty WARP' } });
    expect((await t.call('DELETE', '/api/v1/warps/empty', { token: admin })).status).toBe(404);
  });

  it('refuses with 409 to delete a WARP that has members, even only former ones', async () => {
    const res = await t.call('DELETE', '/api/v1/warps/wales', { token: admin });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'conflict', members: 3 });
    await insertWarp(t.db, { id: 'history' });
    await insertAuthority(t.db, { code: 'OLDX', current: false, warpId: 'history' });
    expect((await t.call('DELETE', '/api/v1/warps/history', { token: admin })).status).toBe(409);
    expect(await warpOf('CRF')).toBe('wales');
    expect(await warpOf('OLDX')).toBe('history');
    expect(await audits('warp.delete')).toHaveLength(0);
  });
});

describe('POST /api/v1/warps/{id}/members', () => {
  it('moves authorities in, one audit entry each, and reports those already there', async () => {
    const res = await t.call('POST', '/api/v1/warps/london/members', {
      token: admin,
      body: { authorities: ['crf', 'ZZA', 'CMD', 'CRF'] },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      warp: 'london',
      moved: [
        { code: 'CRF', from: 'wales' },
        { code: 'ZZA', from: null },
      ],
      unchanged: ['CMD'],
    });
    expect(await warpOf('CRF')).toBe('london');
    expect(await warpOf('ZZA')).toBe('london');
    const entries = await audits('warp.member-move');
    expect(entries.map((e) => [e.subjectType, e.subjectId, e.before, e.after])).toEqual([
      ['authority', 'CRF', { warp: 'wales' }, { warp: 'london' }],
      ['authority', 'ZZA', { warp: null }, { warp: 'london' }],
    ]);
    const wales = await (await t.call('GET', '/api/v1/warps/wales', { token: admin })).json();
    expect(wales.members.map((m: { code: string }) => m.code)).toEqual(['GWE', 'NWP']);
  });

  it('moves nothing when any code is unknown, and lists the unknown ones', async () => {
    const res = await t.call('POST', '/api/v1/warps/london/members', {
      token: admin,
      body: { authorities: ['CRF', 'XXX', 'NWP', 'yyy'] },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({ code: 'validation_failed', unknown: ['XXX', 'YYY'] });
    expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['authorities.1', 'authorities.3']);
    expect(await warpOf('CRF')).toBe('wales');
    expect(await warpOf('NWP')).toBe('wales');
    expect(await audits('warp.member-move')).toHaveLength(0);
  });

  it('moves a long list (more than one statement slice) atomically', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 200; i++)
      codes.push((await insertAuthority(t.db, { code: `M${i}`, warpId: 'wales' })).code);
    const res = await t.call('POST', '/api/v1/warps/empty/members', {
      token: admin,
      body: { authorities: codes },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).moved).toHaveLength(200);
    const empty = await (await t.call('GET', '/api/v1/warps/empty', { token: admin })).json();
    expect(empty.totalMembers).toBe(200);
    expect(await audits('warp.member-move')).toHaveLength(200);
  });

  it('answers 404 for an unknown WARP and 422 for a bad body', async () => {
    const missing = await t.call('POST', '/api/v1/warps/nope/members', {
      token: admin,
      body: { authorities: ['CRF'] },
    });
    expect(missing.status).toBe(404);
    for (const body of [{}, { authorities: [] }, { authorities: 'CRF' }, { authorities: ['CRF'], x: 1 }]) {
      const res = await t.call('POST', '/api/v1/warps/london/members', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await warpOf('CRF')).toBe('wales');
  });

  it('lets a WARP be deleted once its members have moved out', async () => {
    await t.call('POST', '/api/v1/warps/london/members', { token: admin, body: { authorities: ['CMD'] } });
    await t.call('POST', '/api/v1/warps/wales/members', { token: admin, body: { authorities: ['CMD'] } });
    expect((await t.call('DELETE', '/api/v1/warps/london', { token: admin })).status).toBe(204);
  });
});

describe('WARPs: who may read and write', () => {
  const reads = [
    ['GET', '/api/v1/warps'],
    ['GET', '/api/v1/warps/wales'],
  ] as const;
  const writes = [
    ['POST', '/api/v1/warps', { name: 'New WARP' }, 201],
    ['PATCH', '/api/v1/warps/wales', { name: 'Renamed' }, 200],
    ['POST', '/api/v1/warps/london/members', { authorities: ['ZZA'] }, 200],
    ['DELETE', '/api/v1/warps/empty', undefined, 204],
  ] as const;

  it('refuses anonymous callers and revoked tokens with 401 problem+json on every route', async () => {
    const revoked = await revokeSecret(t, await t.tokenFor('admin'));
    for (const [method, path, body] of [...reads.map(([m, p]) => [m, p, undefined] as const), ...writes]) {
      for (const token of [undefined, revoked]) {
        const res = await t.call(method, path, { token, body });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect((await res.json()).code).toBe('unauthenticated');
      }
    }
  });

  it('lets WARP and council tokens read but not write', async () => {
    const tokens = [
      await t.tokenFor('warp', { warp: 'wales' }),
      await t.tokenFor('council', { authority: 'CRF' }),
    ];
    for (const token of tokens) {
      for (const [method, path] of reads) expect((await t.call(method, path, { token })).status).toBe(200);
      for (const [method, path, body] of writes) {
        const res = await t.call(method, path, { token, body });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect((await res.json()).code).toBe('forbidden');
      }
    }
    expect(await t.db.select().from(auditLog).where(eq(auditLog.subjectType, 'warp'))).toHaveLength(0);
    expect(await warpOf('ZZA')).toBeNull();
  });

  it('lets an admin do everything', async () => {
    for (const [method, path] of reads)
      expect((await t.call(method, path, { token: admin })).status).toBe(200);
    for (const [method, path, body, status] of writes) {
      expect((await t.call(method, path, { token: admin, body })).status, `${method} ${path}`).toBe(status);
    }
  });

  it('documents every WARP route in the OpenAPI document', async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    expect(Object.keys(doc.paths['/api/v1/warps']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/warps/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/api/v1/warps/{id}/members'].post.tags).toEqual(['WARPs']);
    expect(doc.components.schemas).toHaveProperty('WarpDetail');
  });
});
