// The coverage report on the real register: the API, the CSV and the public page give the same numbers, the
// totals match the official counts, the buckets add up, filters and dimensions work, and nothing public ever
// shows a council's name or a mailbox address.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buckets } from '../../src/features/coverage/mailbox-state.js';
import { browser } from '../pages/form-client.js';
import type { operations } from '../support/api-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  expectedByNation,
  expectedTotal,
  importSharedRegister,
  privateNames,
  seedKnownCoverage,
} from './support.js';

interface Group {
  key: string | null;
  label: string;
  authorities: number;
  confirmed: number;
  stale: number;
  unreachable: number;
  pending: number;
  none: number;
  percentConfirmed: number;
  percentStale: number;
  percentUnreachable: number;
  percentPending: number;
  percentNone: number;
}
interface Report {
  by: string;
  total: Group;
  groups: Group[];
}

let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
  const imported = await importSharedRegister(t);
  expect(imported.current).toBe(397);
  await seedKnownCoverage(t);
}, 60_000);
afterAll(() => t.close());

type CoverageQuery = NonNullable<operations['getCoverage']['parameters']['query']>;

/**
 * The report as staff see it (every grouping and filter); `asPublic` asks without signing in. Through the
 * typed client, so the query is checked against the OpenAPI document.
 */
async function report(query: CoverageQuery, options: { asPublic?: boolean } = {}): Promise<Report> {
  const token = options.asPublic ? undefined : await t.tokenFor('admin');
  const { data, response } = await t.api(token).GET('/api/v1/coverage', { params: { query } });
  expect(response.status).toBe(200);
  // The document allows null counts (a small group's, withheld from the public); none are null here.
  return data as Report;
}

const counts = (g: Group) => ({
  authorities: g.authorities,
  confirmed: g.confirmed,
  stale: g.stale,
  unreachable: g.unreachable,
  pending: g.pending,
  none: g.none,
});

function expectBucketsAddUp(g: Group) {
  expect(
    buckets.reduce((s, b) => s + g[b], 0),
    `${g.label}`,
  ).toBe(g.authorities);
}

describe('GET /api/v1/coverage', () => {
  it('answers the contract: a total and groups, each with key, the buckets and percentConfirmed', async () => {
    const body = await report({ by: 'nation' });
    expect(body.by).toBe('nation');
    for (const g of [body.total, ...body.groups])
      for (const field of ['key', 'authorities', 'confirmed', 'pending', 'stale', 'unreachable', 'none'])
        expect(g).toHaveProperty(field);
    expect(body.total).toHaveProperty('percentConfirmed');
    expect(body.total.key).toBe('all');
  });

  it('counts current authorities only, matching the official counts by nation', async () => {
    const body = await report({ by: 'nation' });
    expect(body.total.authorities).toBe(397);
    const byNation = Object.fromEntries(body.groups.map((g) => [g.key, g.authorities]));
    expect(byNation).toEqual({ England: 332, 'Northern Ireland': 11, Scotland: 32, Wales: 22 });
  });

  it('puts each authority in exactly one bucket by its best primary mailbox', async () => {
    const body = await report({ by: 'nation' });
    expect(counts(body.total)).toEqual(expectedTotal);
    for (const g of body.groups) {
      expect(counts(g), g.key ?? '').toEqual(expectedByNation[g.key as keyof typeof expectedByNation]);
      expectBucketsAddUp(g);
    }
    expectBucketsAddUp(body.total);
  });

  it('gives percentages with one decimal', async () => {
    const body = await report({ by: 'nation' });
    const wales = body.groups.find((g) => g.key === 'Wales')!;
    expect(wales.percentConfirmed).toBe(4.5); // 1 of 22
    expect(wales.percentNone).toBe(86.4); // 19 of 22
    expect(body.total.percentConfirmed).toBe(1); // 4 of 397 = 1.0076
    for (const g of [body.total, ...body.groups])
      for (const p of [
        g.percentConfirmed,
        g.percentStale,
        g.percentUnreachable,
        g.percentPending,
        g.percentNone,
      ])
        expect(Math.round(p * 10)).toBeCloseTo(p * 10, 9);
  });

  it('groups by region, WARP and type, each adding up to the same total', async () => {
    for (const by of ['region', 'warp', 'type'] as const) {
      const body = await report({ by });
      expect(body.by).toBe(by);
      expect(counts(body.total)).toEqual(expectedTotal);
      const sum = body.groups.reduce((s, g) => s + g.authorities, 0);
      expect(sum).toBe(397);
      for (const g of body.groups) expectBucketsAddUp(g);
    }
    const warps = await report({ by: 'warp' });
    const wales = warps.groups.find((g) => g.key === 'wales')!;
    expect(wales.label).toBe('Wales WARP');
    expect(counts(wales)).toEqual(expectedByNation.Wales);
    const types = await report({ by: 'type' });
    expect(types.groups.find((g) => g.key === 'WPA')?.label).toBeTruthy();
  });

  it('filters by nation, region, WARP and type', async () => {
    const wales = await report({ by: 'region', nation: 'Wales' });
    expect(counts(wales.total)).toEqual(expectedByNation.Wales);
    expect(wales.groups.map((g) => g.key)).toEqual(['Wales']);
    const two = await report({ nation: 'Wales,Scotland' });
    expect(two.total.authorities).toBe(54);
    const london = await report({ region: 'London' });
    expect(london.total.confirmed).toBe(1); // Camden
    const warp = await report({ by: 'type', warp: 'scotland' });
    expect(warp.total.authorities).toBe(32);
    const type = await report({ type: 'wpa' });
    expect(type.total.authorities).toBe(22);
  });

  it('refuses an unknown dimension', async () => {
    const res = await t.call('GET', '/api/v1/coverage?by=county');
    expect(res.status).toBe(422);
  });
});

describe('the API, the CSV and the page agree', () => {
  it('gives the same numbers as JSON, CSV and on the public page', async () => {
    const json = await report({ by: 'nation' }, { asPublic: true });
    const res = await t.call('GET', '/api/v1/coverage.csv?by=nation');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('coverage-by-nation.csv');
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.key)).toEqual([...json.groups.map((g) => g.key), 'all']);
    for (const g of [...json.groups, json.total]) {
      const row = rows.find((r) => r.key === g.key)!;
      for (const [k, v] of Object.entries(g)) expect(String(row[k]), `${g.key} ${k}`).toBe(String(v));
    }

    const page = await browser(t).get('/coverage');
    expect(page.status).toBe(200);
    for (const g of json.groups) {
      const cells = new RegExp(
        `<th scope="row" class="govuk-table__header">${g.label}</th>${'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>'.repeat(7)}`,
      ).exec(page.html);
      expect(cells, `row for ${g.label}`).not.toBeNull();
      expect(cells!.slice(1)).toEqual([
        String(g.authorities),
        String(g.confirmed),
        `${g.percentConfirmed.toFixed(1)}%`,
        String(g.stale),
        String(g.unreachable),
        String(g.pending),
        String(g.none),
      ]);
    }
    expect(page.html).toContain('<th scope="row" class="govuk-table__header">Total</th>');
    expect(page.html).toContain(`${json.total.confirmed} of the UK’s 397`);
    // the chart: an SVG named by its title and described, one bar per nation
    expect(page.html).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-nation-title chart-nation-desc"/,
    );
    expect(page.html).toContain('<title id="chart-nation-title">Coverage by nation</title>');
    expect(page.html).toContain('Wales: 4.5% confirmed of 22');
  });
});

describe('public coverage shows counts only', () => {
  const addressPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

  it('never shows a mailbox address or a council name on the page, in the JSON, the CSV or the history', async () => {
    const texts: Array<[string, string]> = [];
    for (const path of ['/coverage']) texts.push([path, (await browser(t).get(path)).html]);
    for (const by of ['nation', 'region', 'warp', 'type']) {
      for (const path of [`/api/v1/coverage?by=${by}`, `/api/v1/coverage.csv?by=${by}`]) {
        const res = await t.call('GET', path);
        // Grouping by WARP or type is for staff: refused to the public.
        expect(res.status, path).toBe(by === 'nation' || by === 'region' ? 200 : 403);
        texts.push([path, await res.text()]);
      }
    }
    const admin = await t.tokenFor('admin');
    await t.call('POST', '/api/v1/coverage/snapshots', { token: admin });
    texts.push(['history', await (await t.call('GET', '/api/v1/coverage/history?by=region')).text()]);
    for (const [path, text] of texts) {
      expect(text, path).not.toMatch(addressPattern);
      for (const name of privateNames) expect(text, `${path} shows ${name}`).not.toContain(name);
    }
  });

  it('keeps the chase list (names) from anonymous callers', async () => {
    for (const path of ['/api/v1/coverage/chase', '/api/v1/coverage/chase.csv']) {
      const res = await t.call('GET', path);
      expect(res.status, path).toBe(401);
      const text = await res.text();
      for (const name of privateNames) expect(text).not.toContain(name);
    }
    const page = await browser(t).get('/dashboard/chase');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in');
  });
});
