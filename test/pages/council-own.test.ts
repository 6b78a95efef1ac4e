// The council's own pages: change a mailbox's team name and phone (validated, audited), the advisories sent
// to it with their acknowledgement, reading one (TLP:RED only from the mailbox it went to) and acknowledging
// it from the web; and what other councils must not see or do.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, deliveries } from '../../src/db/schema.js';
import { insertAdvisory, insertDelivery, insertMailbox } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type Browser, browser, seedCouncils } from './form-client.js';

let t: TestApp;
let cardiff: Browser;
let mailboxId: string;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  const m = await insertMailbox(t.db, {
    authorityCode: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    team: 'Old team',
  });
  mailboxId = m.id;
  cardiff = browser(t);
  await cardiff.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
});
afterEach(() => t.close());

describe('a mailbox’s contact details', () => {
  it('are changed by the council, validated as at registration, and audited', async () => {
    const account = await cardiff.get('/account');
    expect(account.html).toContain(`href="/account/mailboxes/${mailboxId}/contact"`);
    const form = await cardiff.get(`/account/mailboxes/${mailboxId}/contact`);
    expect(form.html).toContain('value="Old team"');

    const bad = await cardiff.submit(`/account/mailboxes/${mailboxId}/contact`, {
      team: '',
      phone: 'call us',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('<a href="#team">Enter the name of the team that reads the mailbox</a>');
    expect(bad.html).toContain('href="#phone"');

    const saved = await cardiff.send(`/account/mailboxes/${mailboxId}/contact`, {
      team: 'Security Operations Centre',
      phone: '029 2087 9999',
    });
    expect(saved.redirectedTo).toBe('/account');
    expect(saved.html).toContain('The contact details of cyber@cardiff.gov.uk have been changed');
    const row = await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.id, mailboxId) });
    expect(row).toMatchObject({
      team: 'Security Operations Centre',
      phone: '029 2087 9999',
      state: 'confirmed',
    });
    const audit = (await t.db.select().from(auditLog)).filter((a) => a.action === 'mailbox.edit');
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before).toMatchObject({ team: 'Old team' });

    // The API does the same for the council's own mailbox, and nobody else's.
    const own = await t.tokenFor('council', { authority: 'CRF' });
    const patched = await t.call('PATCH', `/api/v1/mailboxes/${mailboxId}`, {
      token: own,
      body: { team: 'SOC', phone: '029 2087 1111' },
    });
    expect(patched.status).toBe(200);
    const other = await t.tokenFor('council', { authority: 'NWP' });
    const refused = await t.call('PATCH', `/api/v1/mailboxes/${mailboxId}`, {
      token: other,
      body: { team: 'Mine now', phone: '029 2087 1111' },
    });
    expect(refused.status).toBe(404);
    const newport = browser(t);
    await newport.signInAs(t.deps, { role: 'council', authorityCode: 'NWP' });
    await newport.get('/account');
    expect(
      (await newport.submit(`/account/mailboxes/${mailboxId}/contact`, { team: 'x', phone: '029 2087 1111' }))
        .status,
    ).toBe(404);
    expect((await t.db.query.mailboxes.findFirst({ where: (m, { eq }) => eq(m.id, mailboxId) }))!.team).toBe(
      'SOC',
    );
  });
});

describe('advisories sent to the council', () => {
  async function sent(tlp: 'AMBER' | 'RED' = 'AMBER', title = 'Patch the VPN appliance') {
    const a = await insertAdvisory(t.db, { tlp, title });
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'CRF',
      mailboxId,
      address: 'cyber@cardiff.gov.uk',
      status: 'delivered',
    });
    return a;
  }

  it('lists them, opens one and acknowledges it from the web, once', async () => {
    const a = await sent();
    const elsewhere = await insertAdvisory(t.db, { title: 'Sent to Newport only' });
    await insertDelivery(t.db, { advisoryId: elsewhere.id, authorityCode: 'NWP', status: 'delivered' });

    const account = await cardiff.get('/account');
    expect(account.html).toContain(`href="/account/advisories/${a.id}"`);
    expect(account.html).toContain('Patch the VPN appliance');
    expect(account.html).not.toContain('Sent to Newport only');
    expect(account.html).toContain('href="/authorities/CRF#checks"');

    const page = await cardiff.get(`/account/advisories/${a.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Apply the vendor’s fix today.');
    expect(page.html).toContain(`action="/account/advisories/${a.id}/acknowledge"`);
    const acked = await cardiff.send(`/account/advisories/${a.id}/acknowledge`, { name: 'Cardiff SOC' });
    expect(acked.redirectedTo).toBe(`/account/advisories/${a.id}`);
    expect(acked.html).toContain('Acknowledged. Thank you.');
    expect(acked.html).toContain('Your council acknowledged it on');
    const [row] = await t.db
      .select()
      .from(deliveries)
      .where((await import('drizzle-orm')).eq(deliveries.advisoryId, a.id));
    expect(row).toMatchObject({ acknowledgedBy: 'Cardiff SOC' });
    expect(row!.acknowledgedAt).not.toBeNull();
    // Again: nothing changes.
    await cardiff.get(`/account/advisories/${a.id}`);
    const again = await cardiff.send(`/account/advisories/${a.id}/acknowledge`, { name: 'Someone else' });
    expect(again.html).toContain('It was already acknowledged.');
    const [kept] = await t.db
      .select()
      .from(deliveries)
      .where((await import('drizzle-orm')).eq(deliveries.advisoryId, a.id));
    expect(kept!.acknowledgedBy).toBe('Cardiff SOC');

    // Another council cannot see or acknowledge it.
    const newport = browser(t);
    await newport.signInAs(t.deps, { role: 'council', authorityCode: 'NWP' });
    expect((await newport.get(`/account/advisories/${a.id}`)).status).toBe(404);
    await newport.get('/account');
    expect((await newport.submit(`/account/advisories/${a.id}/acknowledge`, {})).status).toBe(404);
    // Staff use their own pages.
    const admin = browser(t);
    await admin.signInAs(t.deps, { role: 'admin' });
    expect((await admin.get(`/account/advisories/${a.id}`)).status).toBe(403);
  });

  it('keeps TLP:RED content from a session not opened from the mailbox it went to', async () => {
    const red = await sent('RED', 'Secret ransomware intelligence');
    const page = await cardiff.get(`/account/advisories/${red.id}`);
    expect(page.status).toBe(200);
    expect(page.html).not.toContain('Secret ransomware intelligence');
    expect(page.html).not.toContain('Apply the vendor’s fix today.');
    expect(page.html).toContain('Its content is not shown here');
    expect((await cardiff.get('/account')).html).not.toContain('Secret ransomware intelligence');

    const holder = browser(t);
    await holder.signInAs(t.deps, {
      role: 'council',
      authorityCode: 'CRF',
      actor: `mailbox:${mailboxId}`,
      mailboxId,
    });
    const readable = await holder.get(`/account/advisories/${red.id}`);
    expect(readable.html).toContain('Secret ransomware intelligence');

    // A session opened from the council's secondary mailbox (TLP:RED did not go to it) cannot read it.
    const secondary = await insertMailbox(t.db, {
      authorityCode: 'CRF',
      address: 'soc@cardiff.gov.uk',
      kind: 'secondary',
    });
    const other = browser(t);
    await other.signInAs(t.deps, {
      role: 'council',
      authorityCode: 'CRF',
      actor: `mailbox:${secondary.id}`,
      mailboxId: secondary.id,
    });
    const withheld = await other.get(`/account/advisories/${red.id}`);
    expect(withheld.status).toBe(200);
    expect(withheld.html).not.toContain('Secret ransomware intelligence');
    expect(withheld.html).toContain('Its content is not shown here');
  });
});
