// Public coverage never singles out a council: on the real register, the City of London (the only council
// of its type) cannot be isolated by grouping, filtering, the CSV or the history; small groups are
// withheld together with enough others that subtracting from the total reveals nothing; staff still see
// every figure.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discloseSafely } from '../../src/features/coverage/disclosure.js';
import { type CoverageReport, coverageReport } from '../../src/features/coverage/report.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { importSharedRegister, seedKnownCoverage } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  await importSharedRegister(t);
  await seedKnownCoverage(t);
}, 60_000);
afterAll(() => t.close());

describe('public coverage', () => {
  it('refuses the query that isolates the City of London, and every other staff-only grouping or filter', async () => {
    for (const query of [
      '?by=type&region=London&type=CC',
      '?by=type',
      '?by=warp',
      '?by=nation&type=CC',
      '?by=region&region=London',
    ]) {
      for (const path of [`/api/v1/coverage${query}`, `/api/v1/coverage.csv${query}`]) {
        const res = await t.call('GET', path);
        expect(res.status, path).toBe(403);
        expect((await res.json()).code).toBe('forbidden');
      }
    }
    expect((await t.call('GET', '/api/v1/coverage/history?by=type')).status).toBe(403);
  });

  it('refuses it to a council too, and answers it for staff', async () => {
    const council = await t.tokenFor('council', { authority: 'CRF' });
    expect((await t.call('GET', '/api/v1/coverage?by=type&type=CC', { token: council })).status).toBe(403);
    const admin = await t.tokenFor('admin');
    const staff = await t.call('GET', '/api/v1/coverage?by=type&region=London&type=CC', { token: admin });
    expect(staff.status).toBe(200);
    const body = await staff.json();
    expect(body.total).toMatchObject({ authorities: 1, suppressed: false });
    expect(typeof body.total.confirmed).toBe('number');
  });

  it('answers by nation and by region with every figure (no group is small) in JSON and CSV', async () => {
    for (const by of ['nation', 'region']) {
      const json = await (await t.call('GET', `/api/v1/coverage?by=${by}`)).json();
      expect(json.groups.every((g: { suppressed: boolean }) => !g.suppressed)).toBe(true);
      const csv = parse(await (await t.call('GET', `/api/v1/coverage.csv?by=${by}`)).text(), {
        columns: true,
      }) as Array<Record<string, string>>;
      expect(csv.every((r) => r.suppressed === 'false' && r.confirmed !== '')).toBe(true);
    }
  });
});

describe('withholding small groups (discloseSafely)', () => {
  let byType: CoverageReport;
  beforeAll(async () => {
    byType = await coverageReport(t.deps, { by: 'type' });
  });

  it('withholds every group under the threshold, then the next smallest until five councils are withheld', () => {
    const safe = discloseSafely(byType, 5);
    const hidden = safe.groups.filter((g) => g.suppressed);
    // CC and SRA have one council each: hiding only them would leave two councils to subtract.
    expect(hidden.map((g) => g.key).sort()).toEqual(['CC', 'NID', 'SRA']);
    expect(hidden.reduce((n, g) => n + g.authorities, 0)).toBeGreaterThanOrEqual(5);
    for (const g of hidden) {
      expect(g.confirmed).toBeNull();
      expect(g.percentConfirmed).toBeNull();
      expect(g.authorities).toBeGreaterThan(0);
    }
    // What is shown still adds up with the total minus the withheld groups: nothing smaller than 5 is implied.
    const shownConfirmed = safe.groups
      .filter((g) => !g.suppressed)
      .reduce((n, g) => n + (g.confirmed ?? 0), 0);
    expect((safe.total.confirmed ?? 0) - shownConfirmed).toBe(
      byType.groups
        .filter((g) => ['CC', 'NID', 'SRA'].includes(g.key ?? ''))
        .reduce((n, g) => n + g.confirmed, 0),
    );
  });

  it('withholds everything when the whole answer covers fewer councils than the threshold', () => {
    const one: CoverageReport = {
      ...byType,
      total: { ...byType.total, authorities: 3 },
      groups: byType.groups.slice(0, 1).map((g) => ({ ...g, authorities: 3 })),
    };
    const safe = discloseSafely(one, 5);
    expect(safe.total.suppressed).toBe(true);
    expect(safe.total.confirmed).toBeNull();
    expect(safe.groups.every((g) => g.suppressed)).toBe(true);
  });
});
