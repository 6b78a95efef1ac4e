// Coverage keeps its buckets, and tells staff how many of the confirmed councils are at risk (every
// confirmed primary with a weak mail set-up or repeated soft bounces); the public never sees that figure.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { domainChecks } from '../../src/db/schema.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertCouncils, insertWarp } from '../support/fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  // 8 councils in one nation, each with a confirmed primary on its own domain
  await insertWarp(t.db, { id: 'wales', name: 'Wales WARP', region: 'Wales' });
  await insertCouncils(t.db, {
    count: 8,
    authority: () => ({ nation: 'Wales', region: 'Wales', warpId: 'wales' }),
  });
  const checkedAt = t.clock.now();
  const mx = (domain: string, severity: 'ok' | 'critical', code: string) =>
    t.db.insert(domainChecks).values({
      domain,
      kind: 'mx',
      severity,
      summary: `${code} of ${domain}`,
      detail: { findings: [{ code, severity, message: code }] },
      checkedAt,
    });
  await mx('c000.gov.uk', 'critical', 'mx-no-address'); // at risk
  await mx('c001.gov.uk', 'critical', 'mx-no-address'); // at risk
  await mx('c002.gov.uk', 'ok', 'mx-ok');
});
afterEach(() => t.close());

const report = async (token?: string) =>
  (await (await t.call('GET', '/api/v1/coverage?by=nation', { token })).json()) as {
    total: Record<string, unknown>;
    groups: Array<Record<string, unknown>>;
  };

describe('coverage and councils at risk', () => {
  it('tells staff how many of the confirmed are at risk, per group and in total', async () => {
    for (const token of [await t.tokenFor('admin'), await t.tokenFor('warp', { warp: 'wales' })]) {
      const body = await report(token);
      expect(body.total).toMatchObject({ confirmed: 8, confirmedAtRisk: 2 });
      expect(body.groups.find((g) => g.key === 'Wales')).toMatchObject({ confirmed: 8, confirmedAtRisk: 2 });
    }
    const page = await t.call('GET', '/dashboard', { token: await t.tokenFor('admin') });
    expect(await page.text()).toMatch(/Of the confirmed, at risk[\s\S]*?2 \(weak mail set-up/);
  });

  it('never shows the figure to the public or to a council', async () => {
    for (const token of [undefined, await t.tokenFor('council', { authority: 'C000' })]) {
      const body = await report(token);
      expect(body.total).not.toHaveProperty('confirmedAtRisk');
      for (const g of body.groups) expect(g).not.toHaveProperty('confirmedAtRisk');
    }
    expect(await (await t.call('GET', '/coverage')).text()).not.toContain('at risk');
  });
});
