// The advisory desk in real Chromium, with JavaScript and without: the audience count follows the ticks
// (or "Update count"), releasing goes through its check page, and the page of an advisory being sent
// updates itself as deliveries finish, without a reload. axe finds nothing on the pages these flows reach.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries } from '../../src/db/schema.js';
import { SESSION_COOKIE } from '../../src/features/auth/sessions.js';
import { importSharedRegister, seedKnownCoverage } from '../coverage/support.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { launchChromium, type RunningApp, startApp } from '../support/browser.js';
import { insertSession } from '../support/fixtures.js';
import { axeViolations } from './axe.js';

let app: RunningApp;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  app = await startApp({ now: '2026-12-01T09:00:00Z' });
  await importSharedRegister(app);
  await seedKnownCoverage(app);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(errors).toEqual([]);
});

/** An admin signed in with a token, in a context with or without JavaScript. */
async function signedIn(javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled,
    bypassCSP: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // An admin signed in in full (link and passkey: the ceremony itself is test/browser/passkeys.test.ts's);
  // the desk must work without JavaScript too, so the session is given to the browser as its cookie.
  const session = await insertSession(app.db, { role: 'admin' }, { now: app.deps.clock.now() });
  await context.addCookies([{ name: SESSION_COOKIE, value: session.secret, url: app.baseUrl }]);
  await page.goto(`${app.baseUrl}/dashboard`);
  expect(await page.locator('h1').textContent()).toBe('Coverage dashboard');
  return { context, page };
}

async function fillDraft(page: Page) {
  await page.getByLabel('Title').fill('Patch the VPN appliance');
  await page.getByLabel('Summary').fill('Patch Example VPN now.');
  await page.getByLabel('Body').fill('Apply the fix.');
  await page.getByLabel('Critical').check();
  await page.getByLabel('TLP:AMBER', { exact: true }).check();
}

describe.each([true, false])('the advisory desk with JavaScript %s', (js) => {
  it('counts the audience as it is built, then releases through the check page', async () => {
    const { context, page } = await signedIn(js);
    await page.goto(`${app.baseUrl}/advisories/new`);
    await fillDraft(page);
    await page.getByLabel('Wales', { exact: true }).check();
    await page.getByLabel('Unitary authority (UA)').check();
    if (!js) await page.getByRole('button', { name: 'Update count' }).click();
    await page.getByText('This selection reaches no council').waitFor();
    await page.getByLabel('Unitary authority (UA)').uncheck();
    await page.getByLabel('Welsh unitary authority (WPA)').check();
    if (!js) await page.getByRole('button', { name: 'Update count' }).click();
    const count = page.locator('[data-reach="count"]');
    await expect.poll(() => count.textContent()).toMatch(/confirmed mailbox(es)? at \d+ councils?/);
    // Without JavaScript the count came from a new page; with it, the form never left.
    expect(page.url()).toBe(`${app.baseUrl}/advisories/new`);
    expect(await page.getByLabel('Title').inputValue()).toBe('Patch the VPN appliance');
    // axe runs as a script: only where scripts do.
    if (js) expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await page.getByText('Draft saved.').waitFor();
    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('heading', { name: 'Check before you release' }).waitFor();
    const sentence = await page.locator('#check-sentence').textContent();
    expect(sentence).toMatch(
      /^Send ‘Patch the VPN appliance’ \(TLP:AMBER, critical\) to \d+ mailbox(es)? at \d+ councils?\.$/,
    );
    if (js) expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Release and send' }).click();
    await page.getByText('Released: sending has started.').waitFor();
    await context.close();
  });
});

describe('following a send, and the e-mail before it', () => {
  it('switches views and searches the deliveries without JavaScript, and previews the e-mail in its frame', async () => {
    const a = await insertAdvisory(app.db, { title: 'Views without script', tlp: 'AMBER' });
    const now = app.deps.clock.now().getTime();
    await insertDelivery(app.db, {
      advisoryId: a.id,
      authorityCode: 'CRF',
      status: 'delivered',
      createdAt: now,
    });
    await insertDelivery(app.db, {
      advisoryId: a.id,
      authorityCode: 'SWA',
      status: 'permanent-failure',
      lastCode: 550,
      lastReply: '550 5.1.1 <cyber@swa.gov.uk>: Recipient address rejected: User unknown',
      failedAt: now,
      createdAt: now,
    });
    const { context, page } = await signedIn(false);
    await page.goto(`${app.baseUrl}/advisories/${a.id}`);
    await page.getByRole('link', { name: /^Failed 1$/ }).click();
    await page.waitForURL(/view=failed/);
    const rows = page.locator('table.app-deliveries tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('The mailbox does not exist');
    await page.getByRole('link', { name: /^All 2$/ }).click();
    await page.getByLabel('Search by council, register code or address').fill('cardiff');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=cardiff/);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('cyber@crf.gov.uk');
    await context.close();

    // The preview frames the HTML part, which renders under its own policy (with scripts on in the page).
    const withJs = await signedIn(true);
    await withJs.page.goto(`${app.baseUrl}/advisories/${a.id}/email`);
    const frame = withJs.page.frameLocator('iframe.app-email-frame');
    await frame.getByText('Views without script').first().waitFor();
    expect(await axeViolations(withJs.page)).toEqual([]);
    await withJs.context.close();
  });
});

describe('an advisory being sent', () => {
  it('updates its own page as deliveries finish, without a reload', async () => {
    const a = await insertAdvisory(app.db, { state: 'sending', sentAt: null, title: 'Live progress' });
    const now = app.deps.clock.now().getTime();
    await insertDelivery(app.db, {
      advisoryId: a.id,
      authorityCode: 'CRF',
      status: 'delivered',
      createdAt: now,
    });
    const waiting = await insertDelivery(app.db, {
      advisoryId: a.id,
      authorityCode: 'SWA',
      status: 'created',
      createdAt: now,
    });
    const { context, page } = await signedIn(true);
    await page.goto(`${app.baseUrl}/advisories/${a.id}`);
    await page.getByText('1 of 2 deliveries finished (50%)').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // A mark on this document: a reload would lose it.
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    const { eq } = await import('drizzle-orm');
    await app.db
      .update(deliveries)
      .set({ status: 'delivered', deliveredAt: now, nextAttemptAt: null })
      .where(eq(deliveries.id, waiting.id));
    await page.getByText('2 of 2 deliveries finished (100%)').waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator('progress#send-progress').getAttribute('value')).toBe('2');
    await context.close();
  });
});
