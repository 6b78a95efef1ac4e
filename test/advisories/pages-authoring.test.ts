// The advisory pages: the compose form (GOV.UK patterns, errors kept with what was typed), the advisory
// page with its sanitised body and reach, the list, and who may see them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, browser, titleOf } from '../pages/form-client.js';
import { insertAdvisory } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedAudience } from './authoring-fixtures.js';

let t: TestApp;
let b: Browser;
beforeEach(async () => {
  t = await makeTestApp();
  await seedAudience(t);
  b = browser(t);
});
afterEach(() => t.close());

const good = {
  title: 'Critical vulnerability in Example VPN appliances',
  summary: 'Patch Example VPN now.',
  body: '## What to do\n\nApply the fix.',
  severity: 'high',
  tlp: 'AMBER',
  cves: 'CVE-2026-12345\n\ncve-2026-54321',
  references: 'https://www.ncsc.gov.uk/news/example',
  authorities: '',
};

/** Sends a form whose fields may repeat (checkboxes), with the CSRF token of the last page. */
async function submitPairs(path: string, pairs: Array<[string, string]>) {
  const headers: Record<string, string> = {
    accept: 'text/html',
    'content-type': 'application/x-www-form-urlencoded',
    cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; '),
  };
  const body = new URLSearchParams([['_csrf', b.csrf], ...pairs]).toString();
  const res = await t.app.request(path, { method: 'POST', headers, body });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

describe('GET /advisories/new', () => {
  it('is an accessible GOV.UK form with TLP meanings, audience choices and test audiences', async () => {
    await t.call('PUT', '/api/v1/test-audiences/soc-team', {
      token: await t.tokenFor('admin'),
      body: { addresses: ['soc@ncsc.example.gov.uk'] },
    });
    await b.signInAs(t.deps, { role: 'admin' });
    const res = await b.get('/advisories/new');
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Write an advisory – /);
    expect(res.html.match(/<h1/g)).toHaveLength(1);
    expect(res.html).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{20,}"/);
    expect(res.html).toContain('<label class="govuk-label" for="title">Title</label>');
    expect(res.html).toMatch(/<textarea[^>]*id="body"[^>]*name="body"/);
    expect(res.html).toMatch(/id="tlp-5"[^>]*value="RED"[^>]*aria-describedby="tlp-5-item-hint"/);
    expect(res.html).toContain('For the eyes and ears of individual recipients only');
    expect(res.html).toMatch(/type="checkbox" value="Wales"/);
    expect(res.html).toMatch(/name="warps" type="checkbox" value="south-east"/);
    expect(res.html).toContain('Unitary authority (UA)');
    expect(res.html).toContain('<option value="soc-team">soc-team</option>');
    expect(res.html).not.toContain('<script>');
  });

  it('shows a WARP operator its own WARP and no others', async () => {
    await b.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    const res = await b.get('/advisories/new');
    expect(res.status).toBe(200);
    expect(res.html).toContain('All councils in Wales WARP');
    expect(res.html).not.toContain('name="warps"');
  });

  it('is not for councils, and sends a browser that is not signed in to sign in', async () => {
    expect((await b.get('/advisories/new')).location).toBe('/sign-in');
    await b.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    expect((await b.get('/advisories/new')).status).toBe(403);
    expect((await b.get('/advisories')).status).toBe(403);
  });
});

describe('POST /advisories/new', () => {
  beforeEach(async () => {
    await b.signInAs(t.deps, { role: 'admin' });
    await b.get('/advisories/new');
  });

  it('shows every error in the summary, in form order, and keeps what was typed, escaped', async () => {
    const res = await b.submit('/advisories/new', {
      title: '<script>alert("t")</script>',
      summary: '',
      body: '',
      cves: 'CVE-2026-1\nnot-a-cve',
      references: 'javascript:alert(1)',
    });
    expect(res.status).toBe(422);
    expect(titleOf(res.html)).toMatch(/^Error: Write an advisory/);
    const fields = ['summary', 'body', 'severity', 'tlp', 'cves', 'references', 'audience'];
    for (const field of fields) {
      expect(res.html).toContain(`href="#${field}"`);
      expect(res.html).toContain(`id="${field}-error"`);
    }
    const order = fields.map((f) => res.html.indexOf(`href="#${f}"`));
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(res.html).toContain('Enter a CVE id like CVE-2026-12345: “CVE-2026-1”');
    expect(res.html).toContain('Choose who the advisory is for');
    expect(res.html).not.toContain('<script>alert');
    expect(res.html).toContain('value="&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;"');
    expect(res.html).toMatch(/<fieldset class="govuk-fieldset" aria-describedby="audience-error">/);
  });

  it('asks for a test audience in test mode', async () => {
    const res = await submitPairs('/advisories/new', [
      ...Object.entries(good),
      ['all', 'yes'],
      ['test', 'yes'],
    ]);
    expect(res.status).toBe(422);
    expect(res.html).toContain('href="#testAudience"');
    expect(res.html).toMatch(/id="test"[^>]*checked/);
  });

  it('saves a draft and shows it: TLP label, sanitised body, reach and the councils it would miss', async () => {
    const res = await submitPairs('/advisories/new', [
      ...Object.entries({
        ...good,
        body: '# Heading\n\nHello <script>alert(1)</script> <h1>raw</h1>\n\n[bad](javascript:alert(2)) [good](https://www.ncsc.gov.uk/)',
      }),
      ['nations', 'Wales'],
      ['nations', 'England'],
      ['types', 'UA'],
    ]);
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/^\/advisories\/[0-9a-z]{26}\?saved=1$/);

    const page = await b.get(res.location!);
    expect(page.status).toBe(200);
    expect(titleOf(page.html)).toMatch(
      /^NCSC-2026-0001: Critical vulnerability in Example VPN appliances – /,
    );
    expect(page.html).toContain('Draft saved');
    expect(page.html).toContain('TLP:AMBER</strong>');
    expect(page.html).toContain('Patch Example VPN now.');
    expect(page.html).toContain('CVE-2026-12345, CVE-2026-54321');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.html).not.toContain('<script>alert');
    expect(page.html).not.toMatch(/href="javascript:/i);
    expect(page.html).toContain('<a class="govuk-link" href="https://www.ncsc.gov.uk/">good</a>');
    expect(page.html.match(/<h1/g)).toHaveLength(1);
    // Welsh and English unitary authorities: CRF NWP SWA GWY BRI.
    expect(page.html).toContain('<span data-preview="councils">5</span>');
    expect(page.html).toContain('<span data-preview="mailboxes">4</span>');
    expect(page.html).toContain('<span data-preview="without-mailbox">2</span>');
    expect(page.html).toContain('Gwynedd Council');
    expect(page.html).toContain('Swansea Council');
    expect(page.html).toContain('a second administrator must approve it');
  });

  it('refuses a WARP operator addressing another WARP’s council, next to the councils field', async () => {
    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'wales' });
    await warp.get('/advisories/new');
    const res = await warp.submit('/advisories/new', { ...good, authorities: 'CRF, BRI' });
    expect(res.status).toBe(403);
    expect(res.html).toContain('href="#authorities"');
    expect(res.html).toContain('These councils are not members of your WARP: BRI');
    expect(res.html).toContain('CRF, BRI</textarea>');
  });

  it('needs the CSRF field', async () => {
    const res = await b.post('/advisories/new', { ...good, all: 'yes' });
    expect(res.status).toBe(403);
  });
});

describe('GET /advisories and GET /advisories/:id', () => {
  it('lists what staff can see with TLP and state tags, and filters', async () => {
    await insertAdvisory(t.db, { title: 'A sent one', tlp: 'GREEN' });
    await insertAdvisory(t.db, { title: 'A Welsh draft', tlp: 'RED', state: 'draft', warpId: 'wales' });
    await b.signInAs(t.deps, { role: 'admin' });
    const all = await b.get('/advisories');
    expect(all.status).toBe(200);
    expect(all.html).toContain('A sent one');
    expect(all.html).toContain('A Welsh draft');
    expect(all.html).toContain('TLP:RED</strong>');
    expect(all.html).toContain('>Sent</strong>');
    expect(all.html).toContain('>Draft</strong>');
    const red = await b.get('/advisories?tlp=RED');
    expect(red.html).not.toContain('A sent one');
    expect(red.html).toMatch(/<option value="RED" selected/);

    const warp = browser(t);
    await warp.signInAs(t.deps, { role: 'warp', warpId: 'south-east' });
    const theirs = await warp.get('/advisories');
    expect(theirs.html).not.toContain('A Welsh draft');
    expect(theirs.html).toContain('There are no advisories');
  });

  it('shows a WARP’s advisory to that WARP only, and a test advisory’s test audience', async () => {
    const admin = await t.tokenFor('admin');
    await t.call('PUT', '/api/v1/test-audiences/soc-team', {
      token: admin,
      body: { addresses: ['soc@ncsc.example.gov.uk'] },
    });
    const made = await t.call('POST', '/api/v1/advisories', {
      token: admin,
      body: {
        title: 'A test',
        summary: 'Testing.',
        body: 'Testing.',
        severity: 'low',
        tlp: 'CLEAR',
        audience: { all: true },
        test: true,
        testAudience: 'soc-team',
      },
    });
    const { id } = (await made.json()) as { id: string };
    await b.signInAs(t.deps, { role: 'admin' });
    const page = await b.get(`/advisories/${id}`);
    expect(page.html).toContain('Test mode: it goes only to the test audience <strong>soc-team</strong>');

    const walesAdvisory = await insertAdvisory(t.db, { title: 'Welsh', state: 'draft', warpId: 'wales' });
    const other = browser(t);
    await other.signInAs(t.deps, { role: 'warp', warpId: 'south-east' });
    expect((await other.get(`/advisories/${walesAdvisory.id}`)).status).toBe(404);
    expect((await b.get(`/advisories/${walesAdvisory.id}`)).status).toBe(200);
  });
});
