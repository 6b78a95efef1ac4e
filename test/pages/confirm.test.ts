import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { type Browser, browser, linkIn, seedCouncils, titleOf } from './form-client.js';

let t: TestApp;
let b: Browser;
let link: string;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  b = browser(t);
  await b.get('/register');
  const res = await b.send('/register', {
    council: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    kind: 'primary',
    team: 'Cyber Security Team',
    phone: '029 2087 2000',
  });
  expect(res.status).toBe(200);
  link = linkIn(t, 'cyber@cardiff.gov.uk', 'confirm');
});
afterEach(() => t.close());

async function mailboxState() {
  const row = await t.db.query.mailboxes.findFirst();
  return row?.state;
}

describe('the confirmation link', () => {
  it('GET shows what will happen and one Confirm button that posts to the same link, changing nothing', async () => {
    const fresh = browser(t);
    const res = await fresh.get(link);
    expect(res.status).toBe(200);
    expect(res.html).toContain('Confirm cyber@cardiff.gov.uk as the primary mailbox for Cardiff Council');
    expect(res.html.match(/<h1/g)).toHaveLength(1);
    expect(res.html).toContain(`<form method="post" action="${link}"`);
    expect(res.html).toContain('>Confirm</button>');
    expect(res.html).not.toContain('name="_csrf"');
    expect(await mailboxState()).toBe('pending');
  });

  it('POST works without the CSRF field or cookie (a fresh browser) and shows the success panel', async () => {
    const fresh = browser(t);
    const posted = await fresh.post(link, {});
    // Post/redirect/get: the success page is one that can be refreshed.
    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/confirm/done');
    const res = await fresh.get(posted.location!);
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Mailbox confirmed – /);
    expect(res.html).toContain('govuk-panel--confirmation');
    expect(res.html).toContain('cyber@cardiff.gov.uk is the primary mailbox for Cardiff Council');
    expect(await mailboxState()).toBe('confirmed');

    expect((await fresh.get('/confirm/done')).html).toContain('govuk-panel--confirmation');
    // Without the result (another browser), the page says nothing was confirmed here.
    expect((await browser(t).get('/confirm/done')).html).not.toContain('govuk-panel--confirmation');
    const again = await fresh.post(link, {});
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link has already been used');
    expect(again.html).not.toMatch(/stack|Error:/);
  });

  it('POST with no body from a non-HTML client answers JSON', async () => {
    const res = await t.app.request(link, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { state: string; mailbox: { id: string; state: string } };
    expect(body.state).toBe('valid');
    expect(body.mailbox.state).toBe('confirmed');
    const again = await t.app.request(link, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(((await again.json()) as { state: string }).state).toBe('used');
  });

  it('still refuses a foreign Origin', async () => {
    const res = await browser(t).post(link, {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await mailboxState()).toBe('pending');
  });

  it('an expired link gets a 410 page saying what to do', async () => {
    t.clock.advance((t.deps.config.CONFIRMATION_TTL_HOURS + 1) * 3600_000);
    const get = await browser(t).get(link);
    expect(get.status).toBe(410);
    expect(get.html).toContain('This link has expired');
    expect(get.html).toContain('href="/register"');
    const post = await browser(t).post(link, {});
    expect(post.status).toBe(410);
    expect(await mailboxState()).toBe('pending');
  });

  it('an unknown link gets a 404 page', async () => {
    const res = await browser(t).get('/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.html).toContain('This link is not recognised');
    const junk = await browser(t).post('/confirm/%3Cscript%3E', {});
    expect(junk.status).toBe(404);
    expect(junk.html).not.toContain('<script>');
  });

  it('a link for a mailbox that is no longer pending says so', async () => {
    const id = (await t.db.query.mailboxes.findFirst())!.id;
    const admin = await t.tokenFor('admin');
    expect((await t.call('DELETE', `/api/v1/mailboxes/${id}`, { token: admin })).status).toBe(200);
    const res = await browser(t).get(link);
    expect(res.status).toBe(409);
    expect(res.html).toContain('This mailbox is no longer registered');
  });
});
