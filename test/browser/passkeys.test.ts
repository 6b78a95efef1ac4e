// Passkeys in a real browser: Debian's Chromium with a virtual authenticator (CDP's WebAuthn domain: ctap2,
// internal, resident keys, user verification), against the app served at http://localhost:<port> (a
// passkey's RP ID must be a host name, and localhost is a secure context). The first admin signs in with
// their e-mailed link, is held at enrolment (no admin page), registers a passkey, signs in with it, and
// later signs in with it alone, no address typed. A link opened in another browser is refused.
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, passkeys, sessions } from '../../src/db/schema.js';
import { freePort, launchChromium, type RunningApp, startApp } from '../support/browser.js';
import { insertStaff } from '../support/fixtures.js';

let app: RunningApp;
let browser: Browser;
const ADMIN = 'first-admin@ncsc.gov.uk';

function lastSignInLink(to: string): string {
  const sent = (app.deps.mailer as unknown as { to(a: string): Array<{ text: string }> }).to(to);
  const match = /https?:\/\/[^/\s]+(\/sign-in\/[A-Za-z0-9_-]+)/.exec(sent.at(-1)?.text ?? '');
  if (!match) throw new Error(`no sign-in link sent to ${to}`);
  return `${app.baseUrl}${match[1]}`;
}

/** A browser context with a page and a virtual platform authenticator that verifies its user. */
async function contextWithAuthenticator(): Promise<{
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  id: string;
}> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page, cdp, id: authenticatorId };
}

async function askForLink(page: Page, address: string) {
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(address);
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
  await page.waitForURL(`${app.baseUrl}/sign-in/sent`);
  // The link is sent after the answer.
  const { settleBackground } = await import('../../src/lib/background.js');
  await settleBackground(app.deps.db);
}

beforeAll(async () => {
  const port = await freePort();
  app = await startApp({ port, env: { PUBLIC_BASE_URL: `http://localhost:${port}` } });
  app.baseUrl = `http://localhost:${port}`;
  // The first admin, as `npm run cli -- staff add --role admin` makes them.
  await insertStaff(app.db, [ADMIN], { role: 'admin' });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('passkeys in Chromium with a virtual authenticator', () => {
  let first: Awaited<ReturnType<typeof contextWithAuthenticator>>;

  it('holds the first admin at enrolment after the link, then registers a passkey and signs in with it', async () => {
    first = await contextWithAuthenticator();
    const { page } = first;
    await askForLink(page, ADMIN);
    await page.goto(lastSignInLink(ADMIN));
    expect(await page.locator('h1').textContent()).toBe('Sign in as staff');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.baseUrl}/account`);
    expect(await page.locator('.govuk-warning-text').textContent()).toContain(
      'Administrators must have a passkey',
    );

    // No admin page until a passkey answers: pages go back to the account page, the API says 403.
    await page.goto(`${app.baseUrl}/admin/approvals`);
    expect(page.url()).toBe(`${app.baseUrl}/account`);
    const api = await page.evaluate(async () => (await fetch('/api/v1/staff')).status);
    expect(api).toBe(403);

    // The ceremony: the only part that needs JavaScript.
    await page.getByLabel('Name it').fill('Virtual authenticator');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForSelector('td:has-text("Virtual authenticator")');
    const { credentials } = await first.cdp.send('WebAuthn.getCredentials', { authenticatorId: first.id });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    const stored = await app.db.select().from(passkeys).where(eq(passkeys.staffAddress, ADMIN));
    expect(stored.map((p) => [p.name, p.state])).toEqual([['Virtual authenticator', 'active']]);
    expect(Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url')).toBe(stored[0]!.id);

    // Registered, but this session was made by a link: now the passkey step.
    expect(await page.locator('.govuk-warning-text').textContent()).toContain(
      'Administrators sign in with their passkey',
    );
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${app.baseUrl}/dashboard`);
    await page.goto(`${app.baseUrl}/admin/approvals`);
    expect(page.url()).toBe(`${app.baseUrl}/admin/approvals`);
    expect(await page.locator('h1').textContent()).toBe('Approvals');

    const live = await app.db
      .select()
      .from(sessions)
      .where(eq(sessions.actor, `staff:${ADMIN}`));
    expect(live.filter((s) => !s.revokedAt).map((s) => s.authMethod)).toEqual(['passkey']);
    const actions = (await app.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['passkey.register', 'passkey.sign-in']));
    const [used] = await app.db.select().from(passkeys).where(eq(passkeys.staffAddress, ADMIN));
    expect(used!.lastUsedAt).not.toBeNull();
    expect(used!.counter).toBeGreaterThan(stored[0]!.counter);
  });

  it('signs in with the passkey alone, no address typed, after signing out', async () => {
    const { page } = first;
    await page.goto(`${app.baseUrl}/dashboard`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${app.baseUrl}/dashboard`);
    await page.goto(`${app.baseUrl}/account`);
    expect(await page.locator('td').first().textContent()).toBe('Virtual authenticator');
    expect(await page.locator('.govuk-warning-text').count()).toBe(0);
  });

  it('refuses a passkey that was removed (the authenticator still has it)', async () => {
    // A second passkey on another authenticator first: an admin's last one cannot be removed.
    const second = await contextWithAuthenticator();
    await askForLink(second.page, ADMIN);
    await second.page.goto(lastSignInLink(ADMIN));
    await second.page.getByRole('button', { name: 'Sign in' }).click();
    await second.page.waitForURL(`${app.baseUrl}/account`);
    // A link session of someone who has a passkey adds none: only the passkey step is offered.
    expect(await second.page.getByLabel('Name it').count()).toBe(0);

    // From the first browser (signed in with its passkey), remove it, with a plain form.
    const { page } = first;
    await page.goto(`${app.baseUrl}/account`);
    await page.getByRole('link', { name: /Remove/ }).click();
    await page.getByRole('button', { name: 'Remove the passkey' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('This is your only passkey');

    // The admin's only passkey stays; the CLI clears them (a lost authenticator): then it no longer signs in.
    const { clearPasskeys } = await import('../../src/features/passkeys/manage-passkeys.js');
    const { cliPrincipal } = await import('../../src/domain/principal.js');
    await clearPasskeys(app.deps, { principal: cliPrincipal }, ADMIN);
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForSelector('#passkey-sign-in-error:not([hidden])');
    expect(await page.locator('#passkey-sign-in-error').textContent()).toContain('could not sign you in');
    expect(page.url()).toBe(`${app.baseUrl}/sign-in`);
    await second.context.close();
  });

  it('refuses a staff link opened in another browser, and offers a new one', async () => {
    const asking = await browser.newContext();
    const other = await browser.newContext();
    const askingPage = await asking.newPage();
    await askForLink(askingPage, ADMIN);
    const link = lastSignInLink(ADMIN);
    const otherPage = await other.newPage();
    const res = await otherPage.goto(link);
    expect(res?.status()).toBe(403);
    expect(await otherPage.locator('h1').textContent()).toBe(
      'Open this link in the browser you asked for it in',
    );
    await otherPage.getByRole('button', { name: 'Send a new link for this browser' }).click();
    await otherPage.waitForURL(`${app.baseUrl}/sign-in/sent`);
    // The first link was not spent: the browser that asked can still use it.
    await askingPage.goto(link);
    expect(await askingPage.locator('h1').textContent()).toBe('Sign in as staff');
    await asking.close();
    await other.close();
  });
});
