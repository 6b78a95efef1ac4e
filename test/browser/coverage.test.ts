// The coverage pages in a real browser: the public summary, then an NCSC administrator who signs in by a
// magic link and opens the dashboard (charts over groups and over time), the chase list and an authority.
// Every page is screenshotted to a temporary folder and checked with axe-core (WCAG 2.2 A and AA).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPrincipal } from '../../src/domain/principal.js';
import { snapshotCoverage } from '../../src/features/coverage/snapshot.js';
import { addStaff } from '../../src/features/staff/members.js';
import { importSharedRegister, insertMailbox, seedKnownCoverage } from '../coverage/support.js';
import { launchChromium, type RunningApp, startApp } from '../support/browser.js';
import { axeViolations } from './axe.js';

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shots: string;
const failed: string[] = [];
const errors: string[] = [];

/** A month of history: every few days a few more councils confirm, and the snapshot is taken. */
async function seedHistory() {
  const start = Date.parse('2026-11-01T09:00:00Z');
  const codes = ['KEC', 'CON', 'LDS', 'BFS', 'GLG', 'ABD', 'VGL', 'SWA', 'NWP', 'MAN'];
  await importSharedRegister(app);
  for (let d = 0; d < 30; d++) {
    app.clock.set(new Date(start + d * 24 * 3600_000));
    if (d % 3 === 0 && codes.length) {
      const code = codes.pop()!;
      if (code === 'KEC' || code === 'CON') await insertMailbox(app.db, { authorityCode: code });
    }
    if (d === 20) await seedKnownCoverage(app);
    await snapshotCoverage(app.deps);
  }
}

beforeAll(async () => {
  // A deployment that has not turned passkeys on for admins (ADMIN_PASSKEY_REQUIRED=false): the magic link
  // alone signs in. The passkey rule's own browser test is test/browser/passkeys.test.ts.
  app = await startApp({ now: '2026-11-01T09:00:00Z', env: { ADMIN_PASSKEY_REQUIRED: 'false' } });
  await seedHistory();
  await addStaff(
    app.deps,
    { principal: cliPrincipal },
    { address: 'duty@ncsc.gov.uk', name: 'NCSC duty officer', role: 'admin' },
  );
  browser = await launchChromium();
  // axe is injected as a script of its own: the page's CSP (script-src 'self') would refuse it.
  context = await browser.newContext({ viewport: { width: 1024, height: 900 }, bypassCSP: true });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  shots = await mkdtemp(join(tmpdir(), 'cc-coverage-screens-'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function check(name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
}

describe('coverage in a browser', () => {
  it('shows the public summary with its chart and table, and no names', async () => {
    await page.goto(`${app.baseUrl}/coverage`);
    expect(await page.locator('h1').textContent()).toBe('Council cyber security mailboxes: coverage');
    const chart = page.getByRole('img', { name: 'Coverage by nation' });
    expect(await chart.count()).toBe(1);
    const box = await chart.boundingBox();
    expect(box!.width).toBeGreaterThan(500);
    expect(await page.locator('#table-nation tbody tr').count()).toBe(5); // four nations and the total
    expect(await page.locator('svg.app-chart rect').count()).toBeGreaterThan(4);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('Cardiff');
    expect(text).not.toMatch(/@/);
    await check('coverage-public');
  });

  it('signs an administrator in by magic link and shows the dashboard with both charts', async () => {
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByLabel('E-mail address').fill('duty@ncsc.gov.uk');
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    expect(await page.locator('h1').textContent()).toBe('Check your mailbox');
    const { settleBackground } = await import('../../src/lib/background.js');
    await settleBackground(app.deps.db);
    const mail = app.mailer.to('duty@ncsc.gov.uk').at(-1)!;
    const link = /https?:\/\/[^/\s]+(\/sign-in\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    await page.goto(`${app.baseUrl}${link}`);
    expect(await page.locator('h1').textContent()).toBe('Sign in as staff');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.baseUrl}/dashboard`);

    expect(await page.locator('h1').textContent()).toBe('Coverage dashboard');
    expect(await page.getByRole('img', { name: 'Coverage by region' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Percentage confirmed over time' }).count()).toBe(1);
    await check('dashboard-region');

    await page.getByRole('link', { name: 'Nation', exact: true }).click();
    await page.waitForURL(`${app.baseUrl}/dashboard?by=nation`);
    const history = page.locator('svg[aria-labelledby^="chart-history-title"]');
    expect(await history.locator('path[fill="none"]').count()).toBe(5);
    await history.screenshot({ path: join(shots, 'chart-history.png') });
    await page
      .locator('svg[aria-labelledby^="chart-groups-title"]')
      .screenshot({ path: join(shots, 'chart-groups.png') });
    // the numbers for each day are in a details element: open it so axe checks the table too
    await page.getByText('Show the numbers for each day').click();
    expect(await page.locator('#table-history tbody tr').count()).toBe(30);
    await check('dashboard-nation');
  });

  it('shows the chase list and an authority’s page', async () => {
    await page.getByRole('link', { name: 'Chase list' }).first().click();
    await page.waitForURL(`${app.baseUrl}/dashboard/chase`);
    expect(await page.locator('h1').textContent()).toBe('Chase list');
    expect(await page.locator('#chase-list tbody tr').count()).toBe(100);
    await check('chase-list');

    await page.getByRole('link', { name: 'Unreachable' }).click();
    await page.waitForURL(/bucket=unreachable/);
    await page.getByRole('link', { name: 'City and County of Swansea Council' }).click();
    await page.waitForURL(`${app.baseUrl}/authorities/SWA`);
    expect(await page.locator('h1').textContent()).toBe('City and County of Swansea Council');
    await check('authority-swansea');

    await page.goto(`${app.baseUrl}/authorities/CRF`);
    expect(await page.locator('h1').textContent()).toBe('City of Cardiff Council');
    await check('authority-cardiff');
    console.info(`screenshots in ${shots}`);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
