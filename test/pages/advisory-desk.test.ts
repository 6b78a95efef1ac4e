import { eq } from 'drizzle-orm';
// The advisory desk's pages without JavaScript: the audience count on the form ("Update count"), editing a
// draft with the API's validation, the e-mail preview and its sandboxed frame, a test to yourself, the
// deliveries' views and search, the progress panel served alone, and what a WARP operator sees of an NCSC
// advisory sent to its members. Each with who must not get it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advisories } from '../../src/db/schema.js';
import { authenticateToken } from '../../src/features/auth/tokens.js';
import { importSharedRegister, seedKnownCoverage } from '../coverage/support.js';
import { insertAdvisory, insertDelivery, insertStaff } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { browser } from './form-client.js';

let t: TestApp;
let admin: ReturnType<typeof browser>;
let author: string;

/** A form as the page posts it: every field of the compose form, with these values. */
const form = (fields: Record<string, string>) => ({
  title: 'Patch the VPN appliance',
  summary: 'Patch Example VPN now.',
  body: 'Apply the fix.',
  severity: 'critical',
  tlp: 'AMBER',
  cves: '',
  references: '',
  authorities: '',
  testAudience: '',
  ...fields,
});

const countAdvisories = async () => (await t.db.select({ id: advisories.id }).from(advisories)).length;

beforeAll(async () => {
  t = await makeTestApp({ now: '2026-12-01T09:00:00Z' });
  await importSharedRegister(t);
  await seedKnownCoverage(t); // confirmed mailboxes at Cardiff (CRF) and Vale of Glamorgan (VGL), among others
  author = await t.tokenFor('admin');
  admin = browser(t);
  // Signed in as the author's token (the page knows them as the author), as its admin was.
  await admin.signInAs(t.deps, { role: 'admin', actor: (await authenticateToken(t.deps, author))!.actor });
}, 60_000);
afterAll(() => t.close());

describe('the audience count on the advisory form', () => {
  it('tells the truth about council types, and counts without JavaScript (saving nothing)', async () => {
    const page = await admin.get('/advisories/new');
    expect(page.html).toContain('“Unitary authority” means English unitary authorities only');
    expect(page.html).not.toContain('Wales and Unitary authority means');
    expect(page.html).toMatch(/Welsh unitary authority \(WPA\)[\s\S]{0,400}Wales only/);
    const before = await countAdvisories();

    const nobody = await admin.submit(
      '/advisories/new',
      form({ intent: 'count', nations: 'Wales', types: 'UA' }),
    );
    expect(nobody.status).toBe(200);
    expect(nobody.html).toContain('This selection reaches no council');

    const wales = await admin.submit(
      '/advisories/new',
      form({ intent: 'count', nations: 'Wales', types: 'WPA' }),
    );
    expect(wales.html).toMatch(
      /<strong>\d+ confirmed mailbox(es)? at \d+ councils?<\/strong> \(\d+ councils in the audience have no confirmed mailbox\)/,
    );
    expect(wales.html).not.toContain('councils in Wales');
    expect(wales.html).toContain('Cardiff');
    // The choices stay as they were ticked.
    expect(wales.html).toMatch(/value="WPA" checked/);

    const part = await admin.submit('/advisories/new', form({ intent: 'count', authorities: 'CRF' }));
    expect(part.html).toContain('It reaches 1 of the 22 councils in Wales.');

    // What app.js asks for: the panel alone.
    const panel = await admin.submit('/advisories/new', form({ intent: 'count', authorities: 'CRF' }), {
      'x-reach-panel': '1',
    });
    expect(panel.status).toBe(200);
    expect(panel.html).not.toContain('<html');
    expect(panel.html).toContain('data-reach="count"');

    const bad = await admin.submit('/advisories/new', form({ intent: 'count', authorities: 'not a code!' }));
    expect(bad.html).toContain('It cannot be counted yet');
    expect(await countAdvisories()).toBe(before);
  });

  it('is for staff: a council cannot count an audience', async () => {
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await council.get('/advisories/new')).status).toBe(403);
    expect((await council.post('/advisories/new', form({ intent: 'count', nations: 'Wales' }))).status).toBe(
      403,
    );
  });
});

describe('editing a draft in the pages', () => {
  it('shows the draft in the form, validates as the API does, and saves', async () => {
    const created = await admin.submit('/advisories/new', form({ nations: 'Wales', types: 'WPA' }));
    expect(created.status).toBe(303);
    const id = /\/advisories\/([^?]+)/.exec(created.location!)![1]!;
    const page = await admin.get(`/advisories/${id}`);
    expect(page.html).toContain(`href="/advisories/${id}/edit"`);

    const edit = await admin.get(`/advisories/${id}/edit`);
    expect(edit.html).toContain('Edit the draft');
    expect(edit.html).toContain('value="Patch the VPN appliance"');
    expect(edit.html).toMatch(/value="Wales" checked/);

    const invalid = await admin.submit(`/advisories/${id}/edit`, form({ title: '', references: 'ftp://x' }));
    expect(invalid.status).toBe(422);
    expect(invalid.html).toContain('govuk-error-summary');
    expect(invalid.html).toContain('href="#title"');
    expect(invalid.html).toContain('“ftp://x”');

    const saved = await admin.submit(
      `/advisories/${id}/edit`,
      form({ title: 'Patch the VPN appliance today', tlp: 'GREEN', nations: 'Wales' }),
    );
    expect(saved.status).toBe(303);
    expect((await admin.get(saved.location!)).html).toContain('Changes saved.');
    const api = await (await t.call('GET', `/api/v1/advisories/${id}`, { token: author })).json();
    expect(api).toMatchObject({
      title: 'Patch the VPN appliance today',
      tlp: 'GREEN',
      audience: { nations: ['Wales'] },
    });

    // A WARP operator cannot edit an NCSC draft (it does not exist for them); a council is refused.
    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    expect((await warp.get(`/advisories/${id}/edit`)).status).toBe(404);
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await council.get(`/advisories/${id}/edit`)).status).toBe(403);

    // Once released it is no longer a draft: the edit page says so.
    expect((await t.call('POST', `/api/v1/advisories/${id}/release`, { token: author })).status).toBe(200);
    const late = await admin.get(`/advisories/${id}/edit`);
    expect(late.status).toBe(409);
    expect(late.html).toContain('Only a draft can be edited');
  });

  it('starts a new advisory from a copy of an old one', async () => {
    const old = await insertAdvisory(t.db, {
      title: 'Old advisory to copy',
      tlp: 'GREEN',
      audience: { nations: ['Scotland'] },
    });
    const copy = await admin.get(`/advisories/new?from=${old.id}`);
    expect(copy.html).toContain(`Copied from ${old.reference}`);
    expect(copy.html).toContain('value="Old advisory to copy"');
    expect(copy.html).toMatch(/value="Scotland" checked/);
    expect(copy.html).toContain('action="/advisories/new"');
  });
});

describe('the e-mail preview and a test to yourself, in the pages', () => {
  it('frames the HTML part with a policy of its own, shows the text, and sends a test to the signed-in staff member', async () => {
    const draft = await insertAdvisory(t.db, {
      state: 'draft',
      title: 'Preview <me>',
      releasedAt: null,
      releasedBy: null,
      sentAt: null,
    });
    const page = await admin.get(`/advisories/${draft.id}/email`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`src="/advisories/${draft.id}/email.html"`);
    expect(page.html).toContain('sandbox=""');
    expect(page.html).toContain('Preview &lt;me&gt;');

    const frame = await t.app.request(`/advisories/${draft.id}/email.html`, {
      headers: { cookie: [...admin.jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(frame.status).toBe(200);
    const csp = frame.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    expect(await frame.text()).toContain('Preview &lt;me&gt;');
    // Every other page may not be framed at all.
    expect(page.html).toBeTruthy();
    const other = await t.app.request('/');
    expect(other.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    // The token-signed-in admin has no staff address: the page says how to get one.
    const noAddress = await admin.submit(`/advisories/${draft.id}/send-test`);
    expect(noAddress.status).toBe(409);
    expect(noAddress.html).toContain('sign in with your staff account');

    await insertStaff(t.db, ['duty.officer@ncsc.gov.uk']);
    const staff = browser(t);
    await staff.signInAs(t.deps, {
      role: 'admin',
      actor: 'staff:duty.officer@ncsc.gov.uk',
      label: 'Duty officer',
    });
    await staff.get(`/advisories/${draft.id}`);
    const sent = await staff.submit(`/advisories/${draft.id}/send-test`);
    expect(sent.status).toBe(303);
    expect((await staff.get(sent.location!)).html).toContain('A test copy, marked TEST, is on its way');
    const [copy] = t.mailer.to('duty.officer@ncsc.gov.uk');
    expect(copy?.subject).toContain('[TEST]');

    // A TLP:RED advisory that may only travel encrypted gets no clear-text test copy either.
    const before = await t.db.query.advisories.findFirst({ where: eq(advisories.id, draft.id) });
    await t.db
      .update(advisories)
      .set({ tlp: 'RED', requireEncryption: true })
      .where(eq(advisories.id, draft.id));
    const refused = await staff.submit(`/advisories/${draft.id}/send-test`);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain('may only be sent encrypted');
    expect(t.mailer.to('duty.officer@ncsc.gov.uk')).toHaveLength(1);
    await t.db
      .update(advisories)
      .set({ tlp: before!.tlp, requireEncryption: false })
      .where(eq(advisories.id, draft.id));

    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await council.get(`/advisories/${draft.id}/email`)).status).toBe(403);
    expect((await council.get(`/advisories/${draft.id}/email.html`)).status).toBe(403);
  });
});

describe('following a send in the pages', () => {
  async function sendingAdvisory(warpId: string | null = null) {
    const a = await insertAdvisory(t.db, { state: 'sending', sentAt: null, warpId });
    const now = t.deps.clock.now().getTime();
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'CRF',
      status: 'delivered',
      createdAt: now,
    });
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'SWA',
      status: 'permanent-failure',
      lastReply: '550 5.1.1 <cyber@swa.gov.uk>: Recipient address rejected: User unknown',
      lastCode: 550,
      failedAt: now,
      createdAt: now,
    });
    await insertDelivery(t.db, { advisoryId: a.id, authorityCode: 'EDH', status: 'created', createdAt: now });
    return a;
  }

  it('shows the views with counts, failures first, searches, and serves the panel alone while sending', async () => {
    const a = await sendingAdvisory();
    const page = await admin.get(`/advisories/${a.id}`);
    expect(page.html).toMatch(/Failed <span class="app-views__count">1<\/span>/);
    expect(page.html).toMatch(/Still trying <span class="app-views__count">1<\/span>/);
    expect(page.html.indexOf('Swansea')).toBeLessThan(page.html.indexOf('Cardiff'));
    expect(page.html).toContain('The mailbox does not exist');
    expect(page.html).toContain(`data-live="/advisories/${a.id}/progress-panel"`);
    const failed = await admin.get(`/advisories/${a.id}?view=failed`);
    expect(failed.html).toContain('Swansea');
    expect(failed.html).not.toContain('cyber@crf.gov.uk');
    expect(failed.html).toContain(`/api/v1/advisories/${a.id}/report.csv?view=failed`);
    const searched = await admin.get(`/advisories/${a.id}?q=edinburgh`);
    expect(searched.html).toContain('Showing 1 to 1 of 1');
    expect(searched.html).toContain('cyber@edh.gov.uk');

    const panel = await admin.get(`/advisories/${a.id}/progress-panel?view=failed`);
    expect(panel.status).toBe(200);
    expect(panel.html).not.toContain('<html');
    expect(panel.html).toContain('2 of 3 deliveries finished (66%)');
    expect(panel.html).toContain(`data-live="/advisories/${a.id}/progress-panel?view=failed"`);
    // Once sent, the panel stops asking to be refreshed.
    await t.db.update(advisories).set({ state: 'sent' });
    expect((await admin.get(`/advisories/${a.id}/progress-panel`)).html).not.toContain('data-live');
  });

  it('lists advisories with their severity and what became of their deliveries, counted within scope', async () => {
    const a = await sendingAdvisory();
    const list = await admin.get('/advisories?state=sending');
    expect(list.html).toContain('<th scope="col" class="govuk-table__header">Severity</th>');
    const row = list.html.slice(
      list.html.indexOf(a.reference),
      list.html.indexOf('</tr>', list.html.indexOf(a.reference)),
    );
    expect(row).toContain('High');
    expect(row).toMatch(/1 delivered, <strong class="app-text-failed">1 failed<\/strong>, 0 acknowledged/);
    // Scotland's WARP counts only its member's row (Edinburgh: not sent yet).
    const scotland = browser(t);
    await scotland.signInAs(t.deps, { role: 'warp', warpId: 'scotland' });
    const theirs = await scotland.get('/advisories?state=sending');
    const theirRow = theirs.html.slice(
      theirs.html.indexOf(a.reference),
      theirs.html.indexOf('</tr>', theirs.html.indexOf(a.reference)),
    );
    expect(theirRow).toContain('0 delivered, 0 acknowledged');
  });

  it('offers a WARP operator only the nations and council types among its members', async () => {
    const wales = browser(t);
    await wales.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    const page = await wales.get('/advisories/new');
    expect(page.html).toContain('value="Wales"');
    expect(page.html).not.toContain('value="Scotland"');
    expect(page.html).toContain('value="WPA"');
    expect(page.html).not.toContain('value="UA"');
    expect(page.html).toContain('All councils in Wales');
  });

  it('shows a WARP operator an NCSC advisory sent to its members, with only their rows', async () => {
    const a = await sendingAdvisory();
    const wales = browser(t);
    await wales.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    const page = await wales.get(`/advisories/${a.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('cyber@crf.gov.uk');
    expect(page.html).toContain('cyber@swa.gov.uk');
    expect(page.html).not.toContain('cyber@edh.gov.uk'); // Edinburgh is not a Welsh member
    expect(page.html).not.toContain(`/advisories/${a.id}/cancel`);
    expect(page.html).not.toContain(`/advisories/${a.id}/email`);
    const panel = await wales.get(`/advisories/${a.id}/progress-panel?q=edinburgh`);
    expect(panel.html).not.toContain('cyber@edh.gov.uk');
    const scotland = browser(t);
    await scotland.signInAs(t.deps, { role: 'warp', warpId: 'scotland' });
    // Scotland's WARP reached through Edinburgh only: it sees that row and nothing of Wales.
    const theirs = await scotland.get(`/advisories/${a.id}`);
    expect(theirs.html).toContain('cyber@edh.gov.uk');
    expect(theirs.html).not.toContain('cyber@crf.gov.uk');
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await council.get(`/advisories/${a.id}/progress-panel`)).status).toBe(403);
    const anonymous = await browser(t).get(`/advisories/${a.id}/progress-panel`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toMatch(/^\/sign-in/);
    expect(anonymous.html).not.toContain('cyber@');
  });
});
