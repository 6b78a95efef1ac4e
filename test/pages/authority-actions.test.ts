// An authority's page for staff: the contact details to call in an incident, and what staff do there
// (send a confirmation again, remove a mailbox through a check page; admins: check its domains now, add a
// mail domain), each post/redirect/get; the advisories it received, counted truthfully. Who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSharedRegister, seedKnownCoverage } from '../coverage/support.js';
import { insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { browser } from './form-client.js';

let t: TestApp;
let admin: ReturnType<typeof browser>;

const mailbox = async (address: string) =>
  (await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.address, address) }))!;

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-12-01T09:00:00Z' });
  await importSharedRegister(t);
  await seedKnownCoverage(t);
  admin = browser(t);
  await admin.signInAs(t.deps, { role: 'admin', label: 'Duty officer' });
}, 60_000);
afterAll(() => t.close());

describe('an authority’s page for staff', () => {
  it('shows who answers each mailbox and how to call them, with the actions staff may take', async () => {
    const page = await admin.get('/authorities/CRF');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Cyber Security Team');
    expect(page.html).toMatch(/<a class="govuk-link app-nowrap" href="tel:\+?\d+">029 2087 2000<\/a>/);
    const ooh = await mailbox('ooh@cardiff.gov.uk');
    expect(page.html).toContain(`action="/authorities/CRF/mailboxes/${ooh.id}/resend"`);
    expect(page.html).toContain(`href="/authorities/CRF/mailboxes/${ooh.id}/retire"`);
    expect(page.html).toContain('action="/authorities/CRF/checks"');
    expect(page.html).toContain('action="/authorities/CRF/domains"');

    // A WARP operator may resend and remove for its members, not check or add domains; a council sees no actions.
    const wales = browser(t);
    await wales.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    const theirs = await wales.get('/authorities/CRF');
    expect(theirs.html).toContain(`/authorities/CRF/mailboxes/${ooh.id}/retire`);
    expect(theirs.html).not.toContain('action="/authorities/CRF/checks"');
    expect(theirs.html).not.toContain('action="/authorities/CRF/domains"');
    expect((await wales.get('/authorities/EDH')).status).toBe(404);
    expect((await wales.submit('/authorities/CRF/checks')).status).toBe(403);
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    const own = await council.get('/authorities/CRF');
    expect(own.status).toBe(200);
    expect(own.html).not.toContain('/retire"');
    expect((await council.submit(`/authorities/CRF/mailboxes/${ooh.id}/resend`)).status).toBe(403);
  });

  it('sends a confirmation again and removes a mailbox after asking, each redirecting back', async () => {
    const ooh = await mailbox('ooh@cardiff.gov.uk');
    await admin.get('/authorities/CRF');
    const before = t.mailer.to('ooh@cardiff.gov.uk').length;
    const resent = await admin.submit(`/authorities/CRF/mailboxes/${ooh.id}/resend`);
    expect(resent.status).toBe(303);
    expect(resent.location).toBe('/authorities/CRF?done=resent');
    expect((await admin.get(resent.location!)).html).toContain('The confirmation link has been sent again.');
    expect(t.mailer.to('ooh@cardiff.gov.uk').length).toBe(before + 1);

    const ask = await admin.get(`/authorities/CRF/mailboxes/${ooh.id}/retire`);
    expect(ask.html).toContain('Are you sure you want to remove ooh@cardiff.gov.uk?');
    expect(ask.html).toContain(`action="/authorities/CRF/mailboxes/${ooh.id}/retire"`);
    expect(ask.html).toContain('href="/authorities/CRF"');
    const removed = await admin.submit(`/authorities/CRF/mailboxes/${ooh.id}/retire`);
    expect(removed.status).toBe(303);
    expect((await mailbox('ooh@cardiff.gov.uk')).state).toBe('retired');
    // Removing again is refused, in the error summary.
    const again = await admin.submit(`/authorities/CRF/mailboxes/${ooh.id}/retire`);
    expect(again.status).toBe(409);
    expect(again.html).toContain('govuk-error-summary');
  });

  it('adds a mail domain (validated) and checks the domains now', async () => {
    await admin.get('/authorities/NWP');
    const empty = await admin.submit('/authorities/NWP/domains', { domain: '' });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('<a href="#domain">Enter a domain, like cardiff.gov.uk</a>');
    const bad = await admin.submit('/authorities/NWP/domains', { domain: 'not a domain' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('value="not a domain"');
    const added = await admin.submit('/authorities/NWP/domains', { domain: 'newport.gov.uk' });
    expect(added.status).toBe(303);
    const page = await admin.get(added.location!);
    expect(page.html).toContain('The domain has been added.');
    expect(page.html).toContain('<li class="app-break-words">newport.gov.uk</li>');

    const checked = await admin.submit('/authorities/NWP/checks');
    expect(checked.status).toBe(303);
    expect(checked.location).toBe('/authorities/NWP?done=checked#checks');
    const after = await admin.get('/authorities/NWP?done=checked');
    expect(after.html).toContain('Latest checks of newport.gov.uk');
  });
});

describe('advisories an authority received', () => {
  it('says when it was first delivered and counts delivered, failed and still trying', async () => {
    const a = await insertAdvisory(t.db, { state: 'sending', sentAt: null, title: 'Counted truthfully' });
    const now = t.deps.clock.now().getTime();
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'EDH',
      status: 'delivered',
      createdAt: now,
    });
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'EDH',
      mailboxId: 'edh-second',
      address: 'second@edh.gov.uk',
      status: 'temporary-failure',
      nextAttemptAt: now + 60_000,
      createdAt: now,
    });
    const page = await admin.get('/authorities/EDH');
    const row = page.html.slice(
      page.html.indexOf('Counted truthfully'),
      page.html.indexOf('</tr>', page.html.indexOf('Counted truthfully')),
    );
    expect(row).toContain('1 of 2 mailboxes delivered, 1 still trying');
    expect(row).not.toContain('Not yet</td>');
    expect(row).toContain('1 December 2026');
  });
});
