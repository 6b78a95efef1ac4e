// The chase list: what each authority outside the confirmed bucket lacks and since when, scoped in the
// query (admin: all; WARP operator: its members; council: its own row), as JSON, CSV and a page.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  expectedByNation,
  expectedTotal,
  importSharedRegister,
  seedKnownCoverage,
  since,
} from './support.js';

interface Item {
  code: string;
  name: string;
  nation: string;
  warp: { id: string; name: string } | null;
  bucket: string;
  missing: string;
  since: string | null;
  reason: string;
}
interface List {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
}

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await makeTestApp();
  await importSharedRegister(t);
  await seedKnownCoverage(t);
  admin = await t.tokenFor('admin');
}, 60_000);
afterAll(() => t.close());

async function chase(query: string, token: string): Promise<List> {
  const res = await t.call('GET', `/api/v1/coverage/chase${query}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as List;
}

async function all(query: string, token: string): Promise<Item[]> {
  return (await chase(`${query}${query ? '&' : '?'}limit=500`, token)).items;
}

describe('GET /api/v1/coverage/chase', () => {
  it('lists every current authority without a confirmed primary, by name, in pages', async () => {
    const first = await chase('?limit=50', admin);
    expect(first.total).toBe(expectedTotal.authorities - expectedTotal.confirmed);
    expect(first.items).toHaveLength(50);
    const names = first.items.map((i) => i.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const second = await chase('?limit=50&offset=50', admin);
    expect(second.items[0]!.name >= first.items.at(-1)!.name).toBe(true);
    const items = await all('', admin);
    const codes = new Set(items.map((i) => i.code));
    for (const confirmed of ['CRF', 'EDH', 'CMD', 'BIR']) expect(codes.has(confirmed)).toBe(false);
    expect(codes.has('ALL')).toBe(false); // a former authority is never chased
  });

  it('says what is missing and since when', async () => {
    const items = await all('', admin);
    const by = (code: string) => items.find((i) => i.code === code)!;
    const iso = (d: Date) => d.toISOString();
    expect(by('NWP')).toMatchObject({ bucket: 'stale', missing: 'stale', since: iso(since.NWP) });
    expect(by('NWP').reason).toBe('Stale (not re-confirmed) since 1 October 2026');
    expect(by('SWA')).toMatchObject({ bucket: 'unreachable', missing: 'unreachable', since: iso(since.SWA) });
    expect(by('SWA').reason).toBe('Unreachable since 5 October 2026');
    expect(by('BFS')).toMatchObject({ bucket: 'unreachable', since: iso(since.BFS) });
    expect(by('MAN')).toMatchObject({ bucket: 'stale', since: iso(since.MAN) });
    expect(by('GLG')).toMatchObject({
      bucket: 'pending',
      missing: 'pending-confirmation',
      since: iso(since.GLG),
      reason: 'Pending confirmation since 2 November 2026',
    });
    // Waiting for an admin: it receives nothing yet, so the council counts as having none.
    expect(by('ABD')).toMatchObject({
      bucket: 'none',
      missing: 'awaiting-approval',
      reason: 'Awaiting approval since 3 November 2026',
    });
    expect(by('VGL')).toMatchObject({ bucket: 'none', missing: 'no-primary', since: null });
    expect(by('ABC')).toMatchObject({
      bucket: 'none',
      missing: 'no-mailbox',
      since: iso(since.ABC),
      reason: 'No mailbox at all since 15 August 2026',
    });
    expect(by('LDS')).toMatchObject({ bucket: 'none', missing: 'no-mailbox', since: null });
    expect(by('KEC')).toMatchObject({
      bucket: 'none',
      missing: 'no-mailbox',
      since: null,
      reason: 'No mailbox at all',
    });
  });

  it('filters by bucket and by the coverage filters', async () => {
    const stale = await all('?bucket=stale', admin);
    expect(stale.map((i) => i.code).sort()).toEqual(['MAN', 'NWP']);
    const gaps = await all('?bucket=stale,unreachable&nation=Wales', admin);
    expect(gaps.map((i) => i.code).sort()).toEqual(['NWP', 'SWA']);
    const bad = await t.call('GET', '/api/v1/coverage/chase?bucket=confirmed', { token: admin });
    expect(bad.status).toBe(422);
  });

  it('shows a WARP operator its members only, whatever the filters ask', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const items = await all('', wales);
    const w = expectedByNation.Wales;
    expect(items).toHaveLength(w.authorities - w.confirmed);
    expect(items.every((i) => i.nation === 'Wales' && i.warp?.id === 'wales')).toBe(true);
    expect(await all('?nation=England', wales)).toEqual([]);
    expect((await chase('?warp=london', wales)).total).toBe(0);
  });

  it('shows a council its own row only (none once it is confirmed)', async () => {
    const newport = await t.tokenFor('council', { authority: 'NWP' });
    const own = await all('', newport);
    expect(own.map((i) => i.code)).toEqual(['NWP']);
    const cardiff = await t.tokenFor('council', { authority: 'CRF' });
    expect(await all('', cardiff)).toEqual([]);
  });

  it('carries the contact addresses of the councils in the caller’s scope only', async () => {
    const everyone = await (await t.call('GET', '/api/v1/coverage/chase?limit=500', { token: admin })).text();
    expect(everyone).toMatch(/@glg\.gov\.uk/);
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const members = await (await t.call('GET', '/api/v1/coverage/chase?limit=500', { token: wales })).text();
    const domains = [...members.matchAll(/@([a-z0-9.-]+)/g)].map((m) => m[1]);
    expect(domains.length).toBeGreaterThan(0);
    for (const d of domains) expect(['nwp.gov.uk', 'swa.gov.uk', 'vgl.gov.uk']).toContain(d);
  });
});

describe('GET /api/v1/coverage/chase.csv', () => {
  it('is the whole list as the JSON has it, scoped the same way', async () => {
    const res = await t.call('GET', '/api/v1/coverage/chase.csv', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('chase-list.csv');
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    const json = await all('', admin);
    expect(rows.map((r) => r.code)).toEqual(json.map((i) => i.code));
    const swa = rows.find((r) => r.code === 'SWA')!;
    expect(swa).toMatchObject({
      bucket: 'unreachable',
      missing: 'unreachable',
      since: since.SWA.toISOString(),
    });

    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const scoped = parse(await (await t.call('GET', '/api/v1/coverage/chase.csv', { token: wales })).text(), {
      columns: true,
    }) as Array<Record<string, string>>;
    expect(scoped.every((r) => r.nation === 'Wales')).toBe(true);
    expect(scoped).toHaveLength(21);
  });
});

describe('the chase list page', () => {
  it('lists the gaps with links to each authority and the CSV, for a WARP operator its members only', async () => {
    const b = browser(t);
    await b.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    const res = await b.get('/dashboard/chase');
    expect(res.status).toBe(200);
    expect(res.html).toContain('<h1 class="govuk-heading-l">Chase list</h1>');
    expect(res.html).toContain('1 to 21 of 21');
    expect(res.html).toContain('<a class="govuk-link" href="/authorities/NWP">Newport City Council</a>');
    expect(res.html).toContain('Stale (not re-confirmed) since 1 October 2026');
    expect(res.html).toContain('href="/api/v1/coverage/chase.csv"');
    expect(res.html).not.toContain('Manchester City Council');
    expect(res.html).toContain('href="/dashboard/chase" aria-current="page">Chase list');

    const stale = await b.get('/dashboard/chase?bucket=stale');
    expect(stale.html).toContain('1 to 1 of 1');
    expect(stale.html).toContain('href="/api/v1/coverage/chase.csv?bucket=stale"');
  });

  it('pages an admin through the whole list', async () => {
    const b = browser(t);
    await b.signInAs(t.deps, { role: 'admin' });
    const first = await b.get('/dashboard/chase');
    expect(first.html).toContain(`1 to 100 of ${expectedTotal.authorities - expectedTotal.confirmed}`);
    expect(first.html).toContain('href="/dashboard/chase?offset=100"');
    const last = await b.get('/dashboard/chase?offset=300');
    expect(last.html).toContain('301 to 393 of 393');
  });
});
