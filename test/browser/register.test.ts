// The registration form in a real browser: a bad address shows the error summary (focused, linking to the
// field), the fixed form shows the success panel. Screenshots go to a temporary folder.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startBrowserTest } from '../support/browser.js';

let t: Awaited<ReturnType<typeof startBrowserTest>>;
let app: RunningApp;
let page: Page;
let shots: string;

beforeAll(async () => {
  t = await startBrowserTest();
  ({ app, page, shots } = t);
}, 60_000);

afterAll(() => t?.close());

describe('registering a mailbox in a browser', () => {
  it('shows the error summary for a bad address, then the success panel once it is fixed', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const failed: string[] = [];
    page.on(
      'response',
      (r) => r.status() >= 400 && failed.push(`${r.status()} ${new URL(r.url()).pathname}`),
    );

    await page.goto(`${app.baseUrl}/register`);
    expect(await page.title()).toMatch(/^Register your council’s cyber security mailbox/);
    // GOV.UK Frontend's stylesheet and script have loaded
    const css = await page.request.get(`${app.baseUrl}/assets/govuk-frontend.min.css`);
    expect(css.status()).toBe(200);
    const h1 = await page.locator('h1').evaluate((e) => getComputedStyle(e).fontFamily);
    expect(h1).toMatch(/GDS Transport|arial/i);
    await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));

    await page.getByLabel('Council').fill('Cardiff Council');
    await page.getByLabel('Mailbox address').fill('cyber at cardiff');
    await page.getByLabel('Primary').check();
    await page.getByLabel('Team name').fill('Cyber Security Team');
    await page.getByLabel('Team phone number').fill('029 2087 2000');
    await page.getByRole('button', { name: 'Register the mailbox' }).click();

    await page.waitForSelector('.govuk-error-summary');
    expect(await page.title()).toMatch(/^Error: Register/);
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.isVisible()).toBe(true);
    await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'));
    const link = summary.getByRole('link', { name: /Enter the address in the correct format/ });
    expect(await link.getAttribute('href')).toBe('#address');
    expect(await page.getByLabel('Mailbox address').getAttribute('aria-describedby')).toBe(
      'address-hint address-error',
    );
    expect(await page.getByLabel('Team name').inputValue()).toBe('Cyber Security Team');
    await page.screenshot({ path: join(shots, 'register-errors.png'), fullPage: true });

    await link.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('address');

    await page.getByLabel('Mailbox address').fill('cyber@cardiff.gov.uk');
    await page.getByRole('button', { name: 'Register the mailbox' }).click();
    await page.waitForSelector('.govuk-panel--confirmation');
    expect(await page.locator('h1').textContent()).toBe('Check the mailbox');
    await page.screenshot({ path: join(shots, 'register-done.png'), fullPage: true });
    console.info(`screenshots in ${shots}`);
    expect(errors).toEqual([]);
    // Only the re-rendered form answers an error status (422); every asset loaded.
    expect(failed.filter((f) => f !== '422 /register')).toEqual([]);
  });
});
