// Small holes around registration (issue 12, item 17): a confirmation link stops working once a newer one
// is sent; source-routed local parts are refused; a council never sees a registrant's IP address.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleBackground } from '../../src/lib/background.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { registration, seedCouncils } from '../support/fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
});
afterEach(() => t.close());

const confirmLinks = () =>
  t.mailer.sent.flatMap((m) => [...(/\/confirm\/([A-Za-z0-9_-]+)/.exec(m.text) ?? [])].slice(1, 2));

describe('confirmation links', () => {
  it('only the newest link confirms: a resend spends the ones sent before', async () => {
    const first = await t.call('POST', '/api/v1/mailboxes', { body: registration() });
    expect(first.status).toBe(202);
    await settleBackground(t.deps.db);
    const admin = await t.tokenFor('admin');
    const list = await (await t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json();
    const id = list.items[0].id as string;
    const resend = await t.call('POST', `/api/v1/mailboxes/${id}/resend`, { token: admin });
    expect(resend.status, await resend.clone().text()).toBe(200);
    await settleBackground(t.deps.db);
    const [older, newer] = confirmLinks();
    expect(older && newer && older !== newer).toBe(true);
    const stale = await t.app.request(`/confirm/${older}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(stale.status).toBeGreaterThanOrEqual(400); // a spent link is a problem page, never a success (303)
    const fresh = await t.app.request(`/confirm/${newer}`, {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(fresh.status).toBe(303);
  });
});

describe('addresses', () => {
  it('refuses source-routed local parts (% and !)', async () => {
    for (const address of ['x%evil.example@cardiff.gov.uk', 'evil.example!x@cardiff.gov.uk']) {
      const res = await t.call('POST', '/api/v1/mailboxes', { body: registration({ address }) });
      expect(res.status, address).toBe(422);
      expect((await res.json()).errors[0].message).toMatch(/cannot contain % or !/);
    }
    expect(t.mailer.sent).toHaveLength(0);
  });
});

describe('registrants’ addresses', () => {
  it('are shown to admins only: a council sees neither the IP address nor an actor named by it', async () => {
    const res = await t.app.request('/api/v1/mailboxes', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.77' },
      body: JSON.stringify(registration()),
    });
    expect(res.status).toBe(202);
    const admin = await t.tokenFor('admin');
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const list = await (await t.call('GET', '/api/v1/authorities/CRF/mailboxes', { token: admin })).json();
    const id = list.items[0].id as string;
    for (const path of [`/api/v1/mailboxes/${id}`, `/api/v1/audit?subjectType=mailbox&subjectId=${id}`]) {
      const asCouncil = await (await t.call('GET', path, { token: council })).text();
      expect(asCouncil, path).not.toMatch(/anonymous:/);
      expect(asCouncil, path).not.toMatch(/"ip":"[^"]/);
    }
    const asAdmin = await (
      await t.call('GET', `/api/v1/audit?subjectType=mailbox&subjectId=${id}`, { token: admin })
    ).text();
    expect(asAdmin).toMatch(/anonymous:/);
  });
});
