// A council in a real browser: confirm the mailbox from its link, sign in with a link, manage the mailboxes,
// sign out. None of the link pages need a CSRF field; the account page's buttons carry one.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startBrowserTest } from '../support/browser.js';

let t: Awaited<ReturnType<typeof startBrowserTest>>;
let app: RunningApp;
let page: Page;
let shots: string;

function lastLink(to: string, kind: 'confirm' | 'sign-in'): string {
  const sent = (app.deps.mailer as unknown as { to(a: string): Array<{ text: string }> }).to(to);
  const match = new RegExp(`https?://[^/\\s]+(/${kind}/[A-Za-z0-9_-]+)`).exec(sent.at(-1)?.text ?? '');
  if (!match) throw new Error(`no ${kind} link sent to ${to}`);
  return `${app.baseUrl}${match[1]}`;
}

beforeAll(async () => {
  t = await startBrowserTest();
  ({ app, page, shots } = t);
}, 60_000);

afterAll(() => t?.close());

async function register(address: string, kind: string) {
  await page.goto(`${app.baseUrl}/register`);
  await page.getByLabel('Council').fill('CRF');
  await page.getByLabel('Mailbox address').fill(address);
  await page.getByLabel(kind).check();
  await page.getByLabel('Team name').fill('Cyber Security Team');
  await page.getByLabel('Team phone number').fill('029 2087 2000');
  await page.getByRole('button', { name: 'Register the mailbox' }).click();
  await page.waitForSelector('.govuk-panel--confirmation');
}

describe('a council in a browser', () => {
  it('confirms, signs in with a link, sees its mailboxes and signs out', async () => {
    await register('cyber@cardiff.gov.uk', 'Primary');
    await page.goto(lastLink('cyber@cardiff.gov.uk', 'confirm'));
    expect(await page.locator('h1').textContent()).toBe(
      'Confirm cyber@cardiff.gov.uk as the primary mailbox for Cardiff Council',
    );
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForSelector('.govuk-panel--confirmation');
    expect(await page.locator('h1').textContent()).toBe('Mailbox confirmed');

    await register('ooh@cardiff.gov.uk', 'Out of hours');

    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByLabel('E-mail address').fill('cyber@cardiff.gov.uk');
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    expect(await page.locator('h1').textContent()).toBe('Check your mailbox');
    await page.goto(lastLink('cyber@cardiff.gov.uk', 'sign-in'));
    expect(await page.locator('h1').textContent()).toBe('Sign in to Cardiff Council');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.baseUrl}/account`);
    expect(await page.locator('h1').textContent()).toBe('Cardiff Council');
    expect(await page.locator('.govuk-summary-card').count()).toBe(2);

    // The confirmed primary is replaced, never removed; another mailbox is removed after a check page.
    expect(await page.getByRole('link', { name: 'Remove cyber@cardiff.gov.uk' }).count()).toBe(0);
    await page.getByText('This is your council’s confirmed primary mailbox. To change it,').waitFor();
    await page.getByRole('link', { name: 'Remove ooh@cardiff.gov.uk' }).click();
    await page
      .getByRole('heading', { name: 'Are you sure you want to remove ooh@cardiff.gov.uk?' })
      .waitFor();
    await page.screenshot({ path: join(shots, 'account-remove-check.png'), fullPage: true });
    await page.getByRole('link', { name: 'No, keep it' }).click();
    await page.waitForURL(`${app.baseUrl}/account`);

    await page.getByRole('button', { name: 'Send the confirmation again to ooh@cardiff.gov.uk' }).click();
    await page.waitForSelector('.govuk-notification-banner--success');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${app.baseUrl}/`);
    await page.goto(`${app.baseUrl}/account`);
    await page.waitForURL(`${app.baseUrl}/sign-in`);
    expect(await page.locator('h1').textContent()).toBe('Sign in');
    console.info(`screenshots in ${shots}`);
  });
});
