// axe-core (WCAG 2.2 A and AA) on the service's earlier pages: the start page, the registration form with its
// errors, the sign-in page and a council's account page. Also proves the check can fail.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/features/auth/sessions.js';
import { launchChromium, type RunningApp, seedCardiff, startApp } from '../support/browser.js';
import { insertMailbox, insertSession } from '../support/fixtures.js';
import { axeViolations } from './axe.js';

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await startApp();
  await seedCardiff(app.db);
  await insertMailbox(app.db, { authorityCode: 'CRF', address: 'cyber@cardiff.gov.uk' });
  await insertMailbox(app.db, {
    authorityCode: 'CRF',
    address: 'ooh@cardiff.gov.uk',
    kind: 'out-of-hours',
    state: 'pending',
  });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1024, height: 900 }, bypassCSP: true });
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('axe-core on the existing pages', () => {
  it('finds a violation where there is one (the check is real)', async () => {
    await page.setContent(
      '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>',
    );
    const found = await axeViolations(page);
    expect(found.map((v) => v.id)).toContain('image-alt');
  });

  it('finds nothing on the start page', async () => {
    await page.goto(`${app.baseUrl}/`);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('finds nothing on the registration form showing its errors', async () => {
    await page.goto(`${app.baseUrl}/register`);
    await page.getByLabel('Mailbox address').fill('cyber at cardiff');
    await page.getByRole('button', { name: 'Register the mailbox' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('finds nothing on the sign-in page, with and without errors', async () => {
    await page.goto(`${app.baseUrl}/sign-in`);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign in with the token' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('finds nothing on a council’s account page', async () => {
    const session = await insertSession(
      app.deps.db,
      { role: 'council', label: 'Cardiff Council (cyber@cardiff.gov.uk)', authorityCode: 'CRF' },
      { now: app.deps.clock.now() },
    );
    await context.addCookies([{ name: SESSION_COOKIE, value: session.secret, url: app.baseUrl }]);
    await page.goto(`${app.baseUrl}/account`);
    expect(await page.locator('h1').textContent()).toBe('Cardiff Council');
    expect(await axeViolations(page)).toEqual([]);
    await context.clearCookies();
  });
});
