// The staff dashboard and an authority's page, rendered on the server: charts with text alternatives and
// their tables, the group choice, history from snapshots, the navigation, and an authority's mailboxes,
// checks and advisories.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainChecks } from '../../src/db/schema.js';
import { snapshotCoverage } from '../../src/features/coverage/snapshot.js';
import { browser } from '../pages/form-client.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAdvisory, insertDelivery } from '../support/fixtures.js';
import { expectedTotal, importSharedRegister, seedKnownCoverage } from './support.js';

let t: TestApp;

beforeAll(async () => {
  t = await makeTestApp();
  await importSharedRegister(t);
  await seedKnownCoverage(t);
}, 60_000);
afterAll(() => t.close());

async function as(
  role: 'admin' | 'warp' | 'council',
  scope: { warpId?: string; authorityCode?: string } = {},
) {
  const b = browser(t);
  await b.signInAs(t.deps, { role, ...scope });
  return b;
}

describe('GET /dashboard', () => {
  it('shows coverage by region with a bar chart, its table and the chase count; no history yet', async () => {
    const b = await as('admin');
    const res = await b.get('/dashboard');
    expect(res.status).toBe(200);
    expect(res.html).toContain('<h1 class="govuk-heading-l">Coverage dashboard</h1>');
    expect(res.html).toContain('href="/dashboard?by=region" aria-current="page">Region');
    expect(res.html).toContain('<a class="govuk-link" href="/dashboard?by=warp">WARP</a>');
    expect(res.html).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-groups-title chart-groups-desc"/,
    );
    expect(res.html).toContain('<title id="chart-groups-title">Coverage by region</title>');
    expect(res.html).toContain('Yorkshire and The Humber: 0.0% confirmed of');
    expect(res.html).toContain('<th scope="row" class="govuk-table__header">Wales</th>');
    expect(res.html).toContain(
      `${expectedTotal.authorities - expectedTotal.confirmed} current authorities have no confirmed primary mailbox`,
    );
    // No snapshot yet: today's figure, counted now, is the one point.
    expect(res.html).toContain('Only today’s figure so far');
    expect(res.html).toMatch(/<th scope="row" class="govuk-table__header">\d+ \w+ \d{4} \(now\)<\/th>/);
    expect(res.html).toContain('href="/dashboard" aria-current="page">Dashboard');
    for (const item of ['Chase list', 'Advisories']) expect(res.html).toContain(`>${item}</a>`);
    expect(res.html).toMatch(/>Approvals(<span class="app-nav-count">.*?<\/span>)?<\/a>/);
  });

  it('plots coverage over time from the snapshots, with the numbers for each day', async () => {
    await snapshotCoverage(t.deps);
    t.clock.advance(24 * 3600_000);
    await snapshotCoverage(t.deps);
    const b = await as('admin');
    const res = await b.get('/dashboard?by=nation');
    expect(res.html).toContain('<title id="chart-history-title">Percentage confirmed over time</title>');
    expect(res.html).toContain('in total and by nation');
    expect(res.html).toContain('Percentage confirmed by day');
    expect(res.html).toContain('<th scope="row" class="govuk-table__header">30 November 2026</th>');
    // Today's point is counted now (it replaces this morning's snapshot), so it matches the headline.
    expect(res.html).toContain('<th scope="row" class="govuk-table__header">1 December 2026 (now)</th>');
    // five lines (all, then each nation) in each of the two charts (wide, and for phones)
    expect(res.html.match(/<path d="M[^"]*" fill="none"/g)).toHaveLength(10);
    const byRegion = await b.get('/dashboard?by=region');
    // twelve regions are too many lines to read: the total alone
    expect(byRegion.html).toContain(
      'Percentage of current authorities with a confirmed primary mailbox, from 30 November 2026 to 1 December 2026 in total.',
    );
  });

  it('shows a WARP operator its own members, and its WARP beside the total over time', async () => {
    const b = await as('warp', { warpId: 'wales' });
    const res = await b.get('/dashboard?by=type');
    expect(res.status).toBe(200);
    expect(res.html).toContain('<span class="govuk-caption-l">Wales WARP</span>');
    expect(res.html).toMatch(/Current authorities<\/dt>\s*<dd class="govuk-summary-list__value">22</);
    expect(res.html).toContain('21 current authorities have no confirmed primary mailbox');
    expect(res.html).not.toContain('>Scottish unitary authority<');
    expect(res.html).toContain('in total and by council type');
    expect(res.html).toContain(
      '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Wales WARP</th>',
    );
    expect(res.html).toContain('href="/api/v1/coverage.csv?by=type&amp;warp=wales"');
  });

  it('falls back to regions for a grouping it does not know', async () => {
    const res = await (await as('admin')).get('/dashboard?by=postcode');
    expect(res.html).toContain('<title id="chart-groups-title">Coverage by region</title>');
  });
});

describe('GET /authorities/:code', () => {
  it('shows the authority, its coverage, mailboxes with state and reachability, checks and advisories', async () => {
    const advisory = await insertAdvisory(t.db, { title: 'Patch the VPN now' });
    await insertDelivery(t.db, {
      advisoryId: advisory.id,
      authorityCode: 'CRF',
      acknowledgedAt: Date.parse('2026-01-01T10:30:00Z'),
    });
    const unacknowledged = await insertAdvisory(t.db, { title: 'Second advisory' });
    await insertDelivery(t.db, { advisoryId: unacknowledged.id, authorityCode: 'CRF' });
    await t.db.insert(domainChecks).values({
      domain: 'cardiff.gov.uk',
      kind: 'dmarc',
      severity: 'ok',
      summary: 'DMARC policy is reject.',
      detail: null,
      checkedAt: new Date('2026-11-29T08:00:00Z'),
    });

    const b = await as('admin');
    const res = await b.get('/authorities/crf');
    expect(res.status).toBe(200);
    expect(res.html).toContain('<h1 class="govuk-heading-l">City of Cardiff Council</h1>');
    expect(res.html).toContain('<strong class="govuk-tag govuk-tag--green">Confirmed</strong>');
    expect(res.html).toContain('cyber@cardiff.gov.uk');
    expect(res.html).toContain('ooh@cardiff.gov.uk');
    expect(res.html).toContain('Waiting for confirmation');
    expect(res.html).toContain('Reachable');
    expect(res.html).toContain('Latest checks of cardiff.gov.uk');
    expect(res.html).toContain('DMARC policy is reject.');
    expect(res.html).toContain(
      `<a class="govuk-link" href="/advisories/${advisory.id}">${advisory.reference}</a>`,
    );
    expect(res.html).toContain('Patch the VPN now');
    expect(res.html).toContain('1 January 2026 at 10:30am');
    expect(res.html).toContain('<strong class="govuk-tag govuk-tag--grey">Not yet</strong>');
  });

  it('shows the buckets of other authorities, and says when no domain was checked', async () => {
    const b = await as('admin');
    const swansea = await b.get('/authorities/SWA');
    expect(swansea.html).toContain('<strong class="govuk-tag govuk-tag--red">Unreachable</strong>');
    expect(swansea.html).toContain('None of this authority’s mail domains has been checked yet.');
    const vale = await b.get('/authorities/VGL');
    expect(vale.html).toContain('<strong class="govuk-tag govuk-tag--grey">None</strong>');
    const former = await b.get('/authorities/ALL');
    expect(former.html).toContain('Not counted: a former authority');
  });

  it('shows a council its own page without links to advisory pages it cannot open', async () => {
    const b = await as('council', { authorityCode: 'CRF' });
    const res = await b.get('/authorities/CRF');
    expect(res.status).toBe(200);
    expect(res.html).toContain('Patch the VPN now');
    expect(res.html).not.toContain('href="/advisories/');
    expect((await b.get('/authorities/NWP')).status).toBe(404);
  });
});

describe('navigation', () => {
  it('marks only the most specific item as the current page', async () => {
    const b = await as('warp', { warpId: 'wales' });
    const res = await b.get('/dashboard/chase');
    expect(res.html).toContain('href="/dashboard/chase" aria-current="page">Chase list');
    expect(res.html).toContain('<a class="govuk-service-navigation__link" href="/dashboard">Dashboard</a>');
    expect(res.html).not.toContain('>Approvals<');
  });

  it('offers the public coverage page to everyone not signed in as staff', async () => {
    const res = await browser(t).get('/coverage');
    expect(res.html).toContain('href="/coverage" aria-current="page">Coverage');
  });
});
