import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type Browser, browser, linkIn, seedCouncils, sentTo, titleOf } from './form-client.js';

let t: TestApp;
let cardiff: Browser;

async function register(council: string, address: string, kind = 'primary') {
  const b = browser(t);
  await b.get('/register');
  const res = await b.send('/register', {
    council,
    address,
    kind,
    team: 'Cyber team',
    phone: '029 2087 2000',
  });
  expect(res.status).toBe(200);
  return (await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.address, address) }))!;
}

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  await register('CRF', 'cyber@cardiff.gov.uk');
  await browser(t).post(linkIn(t, 'cyber@cardiff.gov.uk', 'confirm'), {});
  await register('CRF', 'ooh@cardiff.gov.uk', 'out-of-hours');
  await register('NWP', 'cyber@newport.gov.uk');
  cardiff = browser(t);
  await cardiff.signInAs(t.deps, {
    role: 'council',
    authorityCode: 'CRF',
    label: 'Cardiff Council (cyber@cardiff.gov.uk)',
  });
});
afterEach(() => t.close());

describe('GET /account', () => {
  it('sends an anonymous browser to sign in (and an API client gets 401)', async () => {
    for (const path of ['/account', '/admin/approvals']) {
      const res = await browser(t).get(path);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/sign-in');
    }
    const api = await t.app.request('/account');
    expect(api.status).toBe(401);
    const post = await browser(t).post('/account/mailboxes/x/retire', {});
    expect(post.status).toBe(303);
  });

  it('shows only the session’s own council’s mailboxes, with state tags and buttons', async () => {
    const res = await cardiff.get('/account');
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Your council’s mailboxes – /);
    expect(res.html).toContain('<h1 class="govuk-heading-l">Cardiff Council</h1>');
    expect(res.html).toContain('cyber@cardiff.gov.uk');
    expect(res.html).toContain('ooh@cardiff.gov.uk');
    expect(res.html).not.toContain('newport');
    expect(res.html).toContain('govuk-tag--green">Confirmed');
    expect(res.html).toContain('govuk-tag--blue">Waiting for confirmation');
    expect(res.html).toContain('Send the confirmation again');
    expect(res.html).toContain('href="/register"');
    expect(res.html).toContain('href="/account" aria-current="page">Your council');
  });

  it('resends the confirmation of its own pending mailbox', async () => {
    const ooh = (await t.db.query.mailboxes.findFirst({
      where: (m, { eq }) => eq(m.address, 'ooh@cardiff.gov.uk'),
    }))!;
    const before = sentTo(t, 'ooh@cardiff.gov.uk');
    await cardiff.get('/account');
    const res = await cardiff.send(`/account/mailboxes/${ooh.id}/resend`);
    expect(res.status).toBe(200);
    expect(res.html).toContain('We have sent a new confirmation link to ooh@cardiff.gov.uk');
    expect(sentTo(t, 'ooh@cardiff.gov.uk')).toBe(before + 1);
  });

  it('cannot resend or remove another council’s mailbox by id', async () => {
    const newport = (await t.db.query.mailboxes.findFirst({
      where: (m, { eq }) => eq(m.address, 'cyber@newport.gov.uk'),
    }))!;
    const before = sentTo(t, 'cyber@newport.gov.uk');
    await cardiff.get('/account');
    const resend = await cardiff.send(`/account/mailboxes/${newport.id}/resend`);
    expect(resend.status).toBe(404);
    expect(resend.html).toContain('govuk-error-summary');
    expect(resend.html).not.toContain('newport.gov.uk');
    const ask = await cardiff.get(`/account/mailboxes/${newport.id}/retire`);
    expect(ask.status).toBe(404);
    expect(ask.html).not.toContain('newport.gov.uk');
    const retire = await cardiff.send(`/account/mailboxes/${newport.id}/retire`);
    expect(retire.status).toBe(404);
    expect(sentTo(t, 'cyber@newport.gov.uk')).toBe(before);
    const after = await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.id, newport.id) });
    expect(after!.state).toBe('pending');
  });

  it('removes a mailbox, but shows the verb’s refusal for the confirmed primary in the error summary', async () => {
    const primary = (await t.db.query.mailboxes.findFirst({
      where: (m, { eq }) => eq(m.address, 'cyber@cardiff.gov.uk'),
    }))!;
    const ooh = (await t.db.query.mailboxes.findFirst({
      where: (m, { eq }) => eq(m.address, 'ooh@cardiff.gov.uk'),
    }))!;
    // The page offers no removal of the confirmed primary, only its replacement; the check page refuses it.
    const account = await cardiff.get('/account');
    expect(account.html).not.toContain(`href="/account/mailboxes/${primary.id}/retire"`);
    expect(account.html).toContain(`href="/account/mailboxes/${ooh.id}/retire"`);
    expect(account.html).toContain(
      'To change it, <a class="govuk-link" href="/register">register its replacement</a>',
    );
    const noAsk = await cardiff.get(`/account/mailboxes/${primary.id}/retire`);
    expect(noAsk.status).toBe(409);
    expect(noAsk.html).toContain('Register its replacement instead');
    const refused = await cardiff.send(`/account/mailboxes/${primary.id}/retire`);
    expect(refused.status).toBe(409);
    expect(titleOf(refused.html)).toMatch(/^Error: /);
    expect(refused.html).toContain(
      `<a href="#mailbox-${primary.id}">This is the council’s confirmed primary mailbox`,
    );
    // Removing asks first, with the warning button and a way back.
    const ask = await cardiff.get(`/account/mailboxes/${ooh.id}/retire`);
    expect(ask.status).toBe(200);
    expect(ask.html).toContain('Are you sure you want to remove ooh@cardiff.gov.uk?');
    expect(ask.html).toContain('govuk-button--warning');
    expect(ask.html).toContain('No, keep it');
    expect((await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.id, ooh.id) }))!.state).toBe(
      'pending',
    );
    const removed = await cardiff.send(`/account/mailboxes/${ooh.id}/retire`);
    expect(removed.status).toBe(200);
    expect(removed.html).toContain('ooh@cardiff.gov.uk has been removed');
    expect(removed.html).not.toContain(`id="mailbox-${ooh.id}"`);
  });

  it('refuses a button press without the CSRF field', async () => {
    const ooh = (await t.db.query.mailboxes.findFirst({
      where: (m, { eq }) => eq(m.address, 'ooh@cardiff.gov.uk'),
    }))!;
    const res = await cardiff.post(`/account/mailboxes/${ooh.id}/retire`, {});
    expect(res.status).toBe(403);
    expect((await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.id, ooh.id) }))!.state).toBe(
      'pending',
    );
  });

  it('shows staff (admins and WARP operators) their own account page, their passkeys', async () => {
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin' });
    const res = await admin.get('/account');
    expect(res.status).toBe(200);
    expect(res.html).toContain('Your account');
    const { insertWarp } = await import('../support/factories.js');
    const warp = await insertWarp(t.db);
    const operator = browser(t);
    await operator.signInAs(t.deps, { role: 'warp', warpId: warp.id });
    const home = await operator.get('/account');
    expect(home.status).toBe(200);
    expect(home.html).toContain('Your account');
    const dashboard = await operator.get('/dashboard');
    expect(dashboard.status).toBe(200);
  });
});
