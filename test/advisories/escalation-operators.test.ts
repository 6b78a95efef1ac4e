import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedTrackingWorld } from './tracking-support.js';

let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  await seedTrackingWorld(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

describe('WARP operators (who escalations go to)', () => {
  it('an admin reads and replaces the list; addresses are normalised and the change is audited', async () => {
    const before = await t.call('GET', '/api/v1/warps/wales/operators', { token: admin });
    expect(before.status).toBe(200);
    expect(
      ((await before.json()) as { operators: Array<{ address: string }> }).operators.map((o) => o.address),
    ).toEqual(['ops@wales-warp.gov.uk']);

    const put = await t.call('PUT', '/api/v1/warps/wales/operators', {
      token: admin,
      body: {
        operators: [
          { address: ' Duty@Wales-WARP.gov.uk ', name: 'Duty\r\nofficer' },
          { address: 'ops@wales-warp.gov.uk' },
        ],
      },
    });
    expect(put.status).toBe(200);
    const body = (await put.json()) as {
      warp: string;
      operators: Array<{ address: string; name: string | null }>;
    };
    expect(body.warp).toBe('wales');
    expect(body.operators.map(({ address, name }) => ({ address, name }))).toEqual([
      { address: 'duty@wales-warp.gov.uk', name: 'Duty officer' },
      { address: 'ops@wales-warp.gov.uk', name: null },
    ]);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'warp.operators.replace'));
    expect(audit).toMatchObject({
      subjectType: 'warp',
      subjectId: 'wales',
      before: { operators: ['ops@wales-warp.gov.uk'] },
      after: { operators: ['duty@wales-warp.gov.uk', 'ops@wales-warp.gov.uk'] },
    });

    const emptied = await t.call('PUT', '/api/v1/warps/wales/operators', {
      token: admin,
      body: { operators: [] },
    });
    expect(((await emptied.json()) as { operators: unknown[] }).operators).toEqual([]);
  });

  it('refuses bad or repeated addresses with 422 and changes nothing', async () => {
    for (const operators of [
      [{ address: 'not an address' }],
      [{ address: 'a@wales-warp.gov.uk' }, { address: 'A@wales-warp.gov.uk' }],
    ]) {
      const res = await t.call('PUT', '/api/v1/warps/wales/operators', { token: admin, body: { operators } });
      expect(res.status).toBe(422);
      const problem = (await res.json()) as { errors: Array<{ path: string }> };
      expect(problem.errors[0]!.path).toMatch(/^operators\.\d\.address$/);
    }
    const after = await t.call('GET', '/api/v1/warps/wales/operators', { token: admin });
    expect(((await after.json()) as { operators: unknown[] }).operators).toHaveLength(1);
  });

  it('is for admins only, and 404s for an unknown WARP', async () => {
    const warp = await t.tokenFor('warp', { warp: 'wales' });
    expect((await t.call('GET', '/api/v1/warps/wales/operators', { token: warp })).status).toBe(403);
    expect(
      (await t.call('PUT', '/api/v1/warps/wales/operators', { token: warp, body: { operators: [] } })).status,
    ).toBe(403);
    expect((await t.call('GET', '/api/v1/warps/wales/operators')).status).toBe(401);
    expect((await t.call('GET', '/api/v1/warps/nowhere/operators', { token: admin })).status).toBe(404);
  });
});
