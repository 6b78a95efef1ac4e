// A tour of the main pages in a real browser, at a desktop (1280 px) and a phone (390 px) width: each is
// screenshotted to a temporary folder (printed at the end) for people to look at, checked with axe-core
// (WCAG 2.2 A and AA), and checked for content wider than the screen.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainChecks, mailboxOffers } from '../../src/db/schema.js';
import { systemPrincipal } from '../../src/domain/principal.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { importRegister } from '../../src/features/authority-register/import-register.js';
import { snapshotCoverage } from '../../src/features/coverage/snapshot.js';
import { runDrills } from '../../src/features/drills/run-drills.js';
import { confirmMailbox } from '../../src/features/mailboxes/confirm-mailbox.js';
import { pauseSending, resumeSending } from '../../src/features/outbound/sender-state.js';
import { offerUrl } from '../../src/features/reorganisation/carry-forward.js';
import { englishCouncilsEnded, kentReorganised } from '../authority-register/import-helpers.js';
import { importSharedRegister, seedKnownCoverage } from '../coverage/support.js';
import { makeTestKey } from '../pgp/support.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { freePort, launchChromium, type RunningApp, startApp } from '../support/browser.js';
import { insertMailbox, insertMobile, insertStaff, registration } from '../support/fixtures.js';
import { axeViolations } from './axe.js';

/** The secret of the last link of a kind in a message (whatever host the service is on). */
function linkIn(message: { text: string } | undefined, kind: 'confirm' | 'handover' | 'sign-in' = 'confirm') {
  const match = new RegExp(`https?://[^/\\s]+/${kind}/([A-Za-z0-9_-]+)`).exec(message?.text ?? '');
  if (!match) throw new Error(`no /${kind}/ link in the message`);
  return match[1]!;
}

let app: RunningApp;
let browser: Browser;
let shots: string;
let sentId = '';
let draftId = '';
let sendingId = '';
const failed: string[] = [];
const errors: string[] = [];
const tooWide: string[] = [];

const at = (iso: string) => new Date(iso);
const ms = (iso: string) => Date.parse(iso);

async function seedAdvisories() {
  const sent = await insertAdvisory(app.db, {
    title: 'Actively exploited flaw in Example VPN appliances',
    tlp: 'AMBER',
    severity: 'critical',
    cves: ['CVE-2026-12345', 'CVE-2026-12346'],
    references: ['https://www.ncsc.gov.uk/news/example-vpn'],
    createdAt: at('2026-11-29T12:00:00Z'),
    updatedAt: at('2026-11-29T12:05:00Z'),
    releasedAt: at('2026-11-29T12:00:00Z'),
    sentAt: at('2026-11-29T12:05:00Z'),
  });
  sentId = sent.id;
  const created = ms('2026-11-29T12:05:00Z');
  await insertDelivery(app.db, {
    advisoryId: sent.id,
    authorityCode: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    createdAt: created,
    acknowledgedAt: ms('2026-11-29T12:00:00Z'),
    acknowledgedBy: 'Cardiff SOC',
  });
  await insertDelivery(app.db, {
    advisoryId: sent.id,
    authorityCode: 'SWA',
    status: 'permanent-failure',
    createdAt: created,
    lastReply:
      '550 5.1.1 <cyber@swansea.gov.uk>: Recipient address rejected: User unknown in virtual mailbox table',
    lastCode: 550,
    lastFailure: 'SMTP RCPT TO 550',
  });
  await insertDelivery(app.db, {
    advisoryId: sent.id,
    authorityCode: 'NWP',
    status: 'temporary-failure',
    attempts: 3,
    createdAt: created,
    lastReply: '451 4.7.1 Greylisted, try again later',
    lastFailure: 'SMTP RCPT TO 451',
  });
  await insertDelivery(app.db, {
    advisoryId: sent.id,
    authorityCode: 'EDH',
    status: 'created',
    createdAt: created,
  });
  await insertDelivery(app.db, { advisoryId: sent.id, authorityCode: 'CMD', createdAt: created });
  const draft = await insertAdvisory(app.db, {
    title: 'Ransomware group targeting council payroll systems',
    tlp: 'RED',
    state: 'draft',
    releasedAt: null,
    releasedBy: null,
    sentAt: null,
    createdAt: at('2026-11-30T08:00:00Z'),
    updatedAt: at('2026-11-30T08:00:00Z'),
  });
  draftId = draft.id;
  await insertAdvisory(app.db, {
    title: 'Phishing campaign impersonating HMRC',
    tlp: 'GREEN',
    state: 'awaiting-approval',
    sentAt: null,
    needsSecondApproval: true,
  });
  await insertAdvisory(app.db, { title: 'Withdrawn: DNS resolver advice', tlp: 'CLEAR', state: 'cancelled' });
  const sending = await insertAdvisory(app.db, {
    title: 'Critical flaw in Example mail gateways',
    tlp: 'AMBER',
    severity: 'high',
    state: 'sending',
    sentAt: null,
  });
  sendingId = sending.id;
  for (const [code, status] of [
    ['CRF', 'delivered'],
    ['SWA', 'technical-failure'],
    ['NWP', 'technical-failure'],
    ['EDH', 'created'],
  ] as const)
    await insertDelivery(app.db, {
      advisoryId: sending.id,
      authorityCode: code,
      status,
      createdAt: ms('2026-11-30T09:00:00Z'),
      nextAttemptAt: status === 'technical-failure' ? ms('2026-11-30T09:05:00Z') : null,
      lastReply:
        status === 'technical-failure'
          ? '554 5.7.1 <bounces+x@cyber-contacts.test>: Sender address rejected: not authorised'
          : null,
      lastFailure: status === 'technical-failure' ? 'SMTP RCPT TO 554' : null,
    });
  await insertAdvisory(app.db, {
    title: 'Quarterly drill',
    tlp: 'AMBER+STRICT',
    test: true,
    state: 'sending',
  });
}

async function seedChecks() {
  const checkedAt = at('2026-11-30T12:00:00Z');
  const rows = [
    { kind: 'mx', severity: 'ok', summary: 'Two mail servers, both resolve.' },
    { kind: 'spf', severity: 'warning', summary: 'SPF ends in ~all (soft fail).' },
    { kind: 'dmarc', severity: 'ok', summary: 'DMARC policy is reject.' },
    { kind: 'mta-sts', severity: 'info', summary: 'No MTA-STS policy published.' },
    { kind: 'tls-rpt', severity: 'temporary', summary: 'The lookup timed out: we will try again.' },
    { kind: 'security-txt', severity: 'critical', summary: 'security.txt has expired.' },
  ] as const;
  for (const r of rows)
    await app.db.insert(domainChecks).values({ domain: 'cardiff.gov.uk', detail: null, checkedAt, ...r });
}

/**
 * A new primary for Cardiff confirmed by its own link, so waiting for the current primary's consent; the
 * link the current primary was sent to answer.
 */
async function seedHandover(address: string) {
  const res = await app.call('POST', '/api/v1/mailboxes', { body: registration({ address }) });
  expect(res.status).toBe(202);
  const confirmed = await confirmMailbox(app.deps, linkIn(app.mailer.to(address).at(-1)), '192.0.2.1');
  expect(confirmed.mailbox?.state).toBe('awaiting-handover');
  const asked = app.mailer.to('cyber@cardiff.gov.uk').filter((m) => m.subject.includes(address));
  return `/handover/${linkIn(asked.at(-1), 'handover')}`;
}

/** A register file that ends 60 English councils at once: held for an admin on the Approvals page. */
async function seedHeldImport() {
  const report = await importRegister(
    app.deps,
    { principal: systemPrincipal },
    {
      content: englishCouncilsEnded(60),
      source: 'https://register.example/uk_local_authorities_current.csv',
    },
  );
  expect(report.held?.id).toBeTruthy();
}

/** Kent and its districts replaced by West Kent and East Kent on 1 April 2027; Kent's mailbox offered. */
let offerPath = '';
async function seedReorganisation() {
  await insertMailbox(app.db, { authorityCode: 'KEN', address: 'cyber@kent.gov.uk', team: 'Kent SOC' });
  const report = await importRegister(
    app.deps,
    { principal: systemPrincipal },
    { content: kentReorganised('2027-04-01'), source: 'https://register.example/reorganised.csv' },
  );
  expect(report.held).toBeNull();
  const [offer] = await app.db.select().from(mailboxOffers).where(eq(mailboxOffers.successorCode, 'KEW'));
  offerPath = new URL(await offerUrl(app.deps, offer!.id)).pathname;
}

/**
 * The second channel: Cardiff's confirmed out-of-hours mobile texted about a critical advisory (the link's
 * page), and a drill to Wales that some councils answered (its report, and a drill link's page).
 */
let smsAckPath = '';
let drillAckPath = '';
let drillId = '';
async function seedSecondChannel() {
  await insertMobile(app.db, { authorityCode: 'CRF', number: '+447700900123' });
  await insertMobile(app.db, { authorityCode: 'NWP', number: '+447700900456' });
  const admin = await app.tokenFor('admin');
  const created = await app.call('POST', '/api/v1/advisories', {
    token: admin,
    body: {
      title: 'Critical flaw in Example firewalls',
      summary: 'Patch tonight.',
      body: 'Apply the vendor fix.',
      severity: 'critical',
      tlp: 'AMBER',
      audience: { authorities: ['CRF'] },
    },
  });
  const { id } = await created.json();
  expect((await app.call('POST', `/api/v1/advisories/${id}/release`, { token: admin })).status).toBe(200);
  await drainDeliveries(app.deps, dispatchOptions(app.deps));
  smsAckPath = /(\/s\/\S+)/.exec(app.sms.to('+447700900123').at(-1)!.text)![1]!;
  const drill = await app.call('POST', '/api/v1/drills', {
    token: admin,
    body: { audience: { nations: ['Wales'] } },
  });
  drillId = (await drill.json()).id;
  await runDrills(app.deps, {});
  drillAckPath = /(\/d\/\S+)/.exec(app.sms.to('+447700900456').at(-1)!.text)![1]!;
  // A few councils answer, some minutes apart.
  const drillMail = app.mailer.sent.filter((m) => m.headers?.['X-Drill']).slice(0, 6);
  for (const [i, m] of drillMail.entries()) {
    app.clock.advance((i + 1) * 7 * 60_000);
    await app.call('POST', /(\/drills\/ack\/\S+)/.exec(m.text)![1]!);
  }
}

beforeAll(async () => {
  // On localhost, as PUBLIC_BASE_URL says: a passkey's RP ID is a host name (admins sign in with one).
  const port = await freePort();
  app = await startApp({
    now: '2026-11-25T09:00:00Z',
    port,
    env: { PUBLIC_BASE_URL: `http://localhost:${port}` },
  });
  app.baseUrl = `http://localhost:${port}`;
  await importSharedRegister(app);
  for (const day of ['2026-11-25', '2026-11-27', '2026-11-29']) {
    app.clock.set(new Date(`${day}T09:00:00Z`));
    if (day === '2026-11-27') await seedKnownCoverage(app);
    await snapshotCoverage(app.deps);
  }
  app.clock.set(new Date('2026-12-01T09:00:00Z'));
  await seedAdvisories();
  await seedChecks();
  await seedHandover('security@cardiff.gov.uk');
  await seedHeldImport();
  await seedReorganisation();
  await seedSecondChannel();
  browser = await launchChromium();
  shots = await mkdtemp(join(tmpdir(), 'cc-pages-screens-'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** A browser context at a width, signed in as the role (or not signed in). */
async function open(width: number, role?: 'admin' | 'council') {
  // axe is injected as a script of its own: the page's CSP (script-src 'self') would refuse it.
  const context: BrowserContext = await browser.newContext({
    viewport: { width, height: 900 },
    bypassCSP: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.status() !== 422) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  if (role === 'admin') await signInAsAdmin(page, width);
  else if (role) {
    // Signed in as people sign in: with an API token of the role, on the sign-in page.
    const token = await app.tokenFor(role, role === 'council' ? { authority: 'CRF' } : {});
    await page.goto(`${app.baseUrl}/sign-in`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in with the token' }).click();
    await page.waitForURL(`${app.baseUrl}${role === 'council' ? '/account' : '/dashboard'}`);
  }
  return { context, page };
}

/**
 * An admin signs in as admins do: their e-mailed link, then (held at the account page) a passkey, registered
 * there with a virtual authenticator, then used. The account page at each step is in the tour.
 */
let admins = 0;
async function signInAsAdmin(page: Page, width: number) {
  const address = `tour-admin-${++admins}@ncsc.gov.uk`;
  await insertStaff(app.db, [address], { role: 'admin' });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(`${app.baseUrl}/sign-in`);
  await page.getByLabel('E-mail address').fill(address);
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
  await page.waitForURL(`${app.baseUrl}/sign-in/sent`);
  const { settleBackground } = await import('../../src/lib/background.js');
  await settleBackground(app.deps.db);
  await page.goto(`${app.baseUrl}/sign-in/${linkIn(app.mailer.to(address).at(-1), 'sign-in')}`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${app.baseUrl}/account`);
  await check(page, width, 'passkey-enrol');
  await page.getByLabel('Name it').fill('Work laptop');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.waitForSelector('td:has-text("Work laptop")');
  await check(page, width, 'passkey-step');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(`${app.baseUrl}/dashboard`);
  await page.goto(`${app.baseUrl}/account`);
  await check(page, width, 'staff-account');
}

/** Screenshot, then: no axe violation, nothing wider than the window (tables scroll in their own box). */
async function check(page: Page, width: number, name: string) {
  const dir = join(shots, String(width));
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  expect(await axeViolations(page), `axe on ${name} at ${width}px`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) tooWide.push(`${name} at ${width}px by ${overflow}px`);
}

const widths = [1280, 390];

describe.each(widths)('the main pages at %ipx', (width) => {
  it('for the public: start, register (with errors), sign-in, coverage', async () => {
    const { context, page } = await open(width);
    await page.goto(`${app.baseUrl}/`);
    await check(page, width, 'start');
    await page.goto(`${app.baseUrl}/register`);
    await check(page, width, 'register');
    await page.getByRole('button', { name: 'Register the mailbox' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await check(page, width, 'register-errors');
    await page.goto(`${app.baseUrl}/sign-in`);
    await check(page, width, 'sign-in');
    await page.goto(`${app.baseUrl}/coverage`);
    await check(page, width, 'coverage');
    await context.close();
  });

  it('for anyone: is this e-mail genuine? (the form, its errors, an answer)', async () => {
    const { context, page } = await open(width);
    await page.goto(`${app.baseUrl}/genuine`);
    await check(page, width, 'genuine');
    await page.getByRole('button', { name: 'Check the e-mail' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await check(page, width, 'genuine-errors');
    await page
      .getByLabel('Or paste the whole message')
      .fill(
        'From: NCSC <no-reply@cyber-contacts.test>\nTo: cyber@cardiff.gov.uk\nSubject: Patch now\nMessage-ID: <delivery.0123456789abcdef@cyber-contacts.test>\n\nInstall the attached patch.\n',
      );
    await page.getByRole('button', { name: 'Check the e-mail' }).click();
    await page.waitForURL(`${app.baseUrl}/genuine/result`);
    await check(page, width, 'genuine-not-sent-by-us');
    await context.close();
  });

  it('for a council’s mailbox in a reorganisation: will it serve the new council?', async () => {
    const { context, page } = await open(width);
    await page.goto(`${app.baseUrl}${offerPath}`);
    await check(page, width, 'offer-question');
    await context.close();
  });

  it('for a council’s current primary: the handover question, refused', async () => {
    const { context, page } = await open(width);
    await page.goto(`${app.baseUrl}${await seedHandover(`new-${width}@cardiff.gov.uk`)}`);
    await check(page, width, 'handover-question');
    await page.getByRole('button', { name: 'No, we do not recognise it' }).click();
    await page.waitForSelector('.govuk-panel');
    await check(page, width, 'handover-refused');
    await context.close();
  });

  it('for a council: its account, and adding an out-of-hours mobile', async () => {
    const { context, page } = await open(width, 'council');
    await page.goto(`${app.baseUrl}/account`);
    await check(page, width, 'account');
    await page.goto(`${app.baseUrl}/account/mobiles/new`);
    await page.getByRole('button', { name: 'Text a code to this phone' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await check(page, width, 'mobile-add-errors');
    await page.getByLabel('UK mobile number').fill(width === 390 ? '07700 900391' : '07700 901280');
    await page.getByLabel('Whose phone is it?').fill('Out-of-hours duty officer');
    await page.getByRole('button', { name: 'Text a code to this phone' }).click();
    await page.waitForURL(/\/code$/);
    await check(page, width, 'mobile-code');
    await context.close();
  });

  it('for a council: its mailbox’s encryption key (the form, a refused key, then pending)', async () => {
    const mailbox = await app.db.query.mailboxes.findFirst({
      where: (m, { and, eq }) => and(eq(m.address, 'cyber@cardiff.gov.uk'), eq(m.state, 'confirmed')),
    });
    const { context, page } = await open(width, 'council');
    await page.goto(`${app.baseUrl}/account/mailboxes/${mailbox!.id}/key`);
    await check(page, width, 'mailbox-key');
    await page.getByLabel('The public key').fill('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await check(page, width, 'mailbox-key-errors');
    const key = await makeTestKey({ email: 'cyber@cardiff.gov.uk' });
    await page.getByLabel('The public key').fill(key.publicKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.waitForURL(`${app.baseUrl}/account`);
    await check(page, width, 'account-key-pending');
    await context.close();
  });

  it('for a council’s phone and mailboxes: the links in a text and in a drill', async () => {
    const { context, page } = await open(width);
    await page.goto(`${app.baseUrl}${smsAckPath}`);
    await check(page, width, 'sms-heads-up');
    await page.goto(`${app.baseUrl}${drillAckPath}`);
    await check(page, width, 'drill-ack');
    await context.close();
  });

  it('for an administrator: dashboard, chase list, authorities, approvals and advisories', async () => {
    const { context, page } = await open(width, 'admin');
    await page.goto(`${app.baseUrl}/dashboard`);
    await page.getByText('Show the numbers for each day').click();
    await check(page, width, 'dashboard');
    await page.goto(`${app.baseUrl}/dashboard/chase`);
    await check(page, width, 'chase-list');
    await page.goto(`${app.baseUrl}/authorities/CRF`);
    await check(page, width, 'authority-cardiff');
    await page.goto(`${app.baseUrl}/authorities/SWA`);
    await check(page, width, 'authority-swansea');
    await page.goto(`${app.baseUrl}/authorities/KEW`);
    await check(page, width, 'authority-upcoming');
    await page.goto(`${app.baseUrl}/admin/approvals`);
    await check(page, width, 'approvals');
    await page.goto(`${app.baseUrl}/drills`);
    await check(page, width, 'drills');
    await page.goto(`${app.baseUrl}/drills/new`);
    await check(page, width, 'drill-new');
    await page.goto(`${app.baseUrl}/drills/${drillId}`);
    await check(page, width, 'drill-report');
    await page.goto(`${app.baseUrl}/advisories`);
    await check(page, width, 'advisory-list');
    await page.goto(`${app.baseUrl}/advisories/new`);
    await check(page, width, 'advisory-new');
    await page.getByRole('button', { name: 'Save as a draft' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await check(page, width, 'advisory-new-errors');
    await page.goto(`${app.baseUrl}/advisories/${sentId}`);
    await check(page, width, 'advisory-sent');
    await page.goto(`${app.baseUrl}/advisories/${sentId}?view=failed`);
    await check(page, width, 'advisory-sent-failed');
    await page.goto(`${app.baseUrl}/advisories/${draftId}`);
    await check(page, width, 'advisory-draft');
    await page.goto(`${app.baseUrl}/advisories/${draftId}/release`);
    await check(page, width, 'advisory-check-release');
    await page.goto(`${app.baseUrl}/advisories/${draftId}/cancel`);
    await check(page, width, 'advisory-check-cancel');
    await page.goto(`${app.baseUrl}/advisories/${draftId}/edit`);
    await check(page, width, 'advisory-edit');
    await page.getByRole('button', { name: 'Update count' }).click();
    await page.locator('[data-reach="count"]').waitFor();
    await check(page, width, 'advisory-edit-count');
    await page.goto(`${app.baseUrl}/advisories/${draftId}/email`);
    await check(page, width, 'advisory-email');
    // Our relay refuses our sender: the advisory being sent says so, and that it is not the councils' fault.
    await pauseSending(app.deps, {
      reason:
        'our mail server refused to send at RCPT TO: 554 5.7.1 <bounces+x@cyber-contacts.test>: Sender address rejected: not authorised',
      command: 'RCPT TO',
    });
    try {
      await page.goto(`${app.baseUrl}/advisories/${sendingId}`);
      await page.getByText('Sending is paused: our mail server is refusing our mail').waitFor();
      await check(page, width, 'advisory-sending-paused');
    } finally {
      await resumeSending(app.deps, { principal: systemPrincipal }, 'the tour goes on');
    }
    await context.close();
  });

  it('for an administrator: the team, API keys (a new key shown once) and the audit log', async () => {
    const admin = await app.tokenFor('admin');
    for (const [address, name, warp] of [
      [`duty-${width}@ncsc.gov.uk`, 'NCSC duty officer', undefined],
      [`desk-${width}@wales-warp.gov.uk`, 'Wales WARP desk', 'wales'],
    ] as const)
      await app.call('POST', '/api/v1/staff', {
        token: admin,
        body: { address, name, role: warp ? 'warp' : 'admin', ...(warp ? { warp } : {}) },
      });
    const { context, page } = await open(width, 'admin');
    await page.goto(`${app.baseUrl}/team`);
    await check(page, width, 'team');
    await page.goto(`${app.baseUrl}/team/invite`);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await check(page, width, 'team-invite-errors');
    await page.goto(`${app.baseUrl}/api-keys/new`);
    await page.getByLabel('Name').fill(`Nightly coverage export ${width}`);
    await page.getByLabel('Council', { exact: true }).check();
    await page.getByLabel('Council code (for a council key)').fill('CRF');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.waitForSelector('#secret');
    await check(page, width, 'api-key-created');
    await page.goto(`${app.baseUrl}/api-keys`);
    await check(page, width, 'api-keys');
    await page.goto(`${app.baseUrl}/audit`);
    await check(page, width, 'audit-log');
    await context.close();
  });
});

afterAll(() => {
  console.info(`screenshots in ${shots}`);
  expect(errors).toEqual([]);
  expect(failed).toEqual([]);
  expect(tooWide).toEqual([]);
});
