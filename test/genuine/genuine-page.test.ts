// GET/POST /genuine: the same checks as the API, for people, without JavaScript: an uploaded .eml or a
// pasted message, or a reference; the answer after a redirect; GOV.UK errors; CSRF; the rate limit.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Browser, browser, titleOf } from '../pages/form-client.js';
import { makeTestKey, type TestKey } from '../pgp/support.js';
import { insertAdvisory } from '../support/advisory-factories.js';
import type { TestApp } from '../support/app.js';
import { deliveredCopy, genuineApp } from './support.js';

let key: TestKey;
let t: TestApp;
let admin: string;
let b: Browser;

beforeAll(async () => {
  key = await makeTestKey();
});
beforeEach(async () => {
  ({ t, admin } = await genuineApp(key, { RATE_LIMIT_PER_IP: '5' }));
  b = browser(t);
});
afterEach(() => t.close());

/** Posts the upload form as a browser does (multipart, the file as an .eml), with the cookies and CSRF. */
async function upload(raw: string, csrf = b.csrf) {
  const form = new FormData();
  form.set('_csrf', csrf);
  form.set('check', 'message');
  form.set('file', new File([raw], 'advisory.eml', { type: 'message/rfc822' }));
  form.set('message', '');
  const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return t.app.request('/genuine', { method: 'POST', headers: { accept: 'text/html', cookie }, body: form });
}

async function follow(res: Response) {
  expect(res.status, await res.clone().text()).toBe(303);
  expect(res.headers.get('location')).toBe('/genuine/result');
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    b.jar.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return b.get('/genuine/result');
}

describe('GET /genuine', () => {
  it('is a GOV.UK form with one h1, an upload, a paste box and a reference field, linked from the start page', async () => {
    const res = await b.get('/genuine');
    expect(res.status).toBe(200);
    expect(titleOf(res.html)).toMatch(/^Check that an e-mail is really from us – /);
    expect(res.html.match(/<h1/g)).toHaveLength(1);
    expect(res.html).toContain('enctype="multipart/form-data"');
    expect(res.html).toMatch(/<input[^>]*class="govuk-file-upload"[^>]*id="file"[^>]*type="file"/);
    expect(res.html).toMatch(/<textarea[^>]*id="message"/);
    expect(res.html).toMatch(/<input[^>]*id="reference"/);
    expect((await b.get('/')).html).toContain('href="/genuine"');
  });
});

describe('POST /genuine', () => {
  it('an uploaded delivered advisory is genuine', async () => {
    const { raw } = await deliveredCopy(t, admin);
    await b.get('/genuine');
    const page = await follow(await upload(raw));
    expect(page.html).toContain('This e-mail is genuine');
    expect(page.html).toContain('govuk-tag--green');
  });

  it('a pasted one with a changed body is altered; re-addressed, not sent by us', async () => {
    const { raw } = await deliveredCopy(t, admin);
    await b.get('/genuine');
    const altered = raw.replace(/^Subject: /m, 'Subject: URGENT ');
    let page = await b.send('/genuine', { check: 'message', message: altered });
    expect(page.redirectedTo).toBe('/genuine/result');
    expect(page.html).toContain('This e-mail has been changed');
    expect(page.html).toContain('headers');
    await b.get('/genuine');
    page = await b.send('/genuine', {
      check: 'message',
      message: raw.replace(/^To: .*$/m, 'To: primary@lo1.gov.uk'),
    });
    expect(page.html).toContain('We did not send this e-mail');
  });

  it('a RED advisory’s reference: issued, with no title', async () => {
    await insertAdvisory(t.db, { tlp: 'RED', title: 'Secret exploit', reference: 'NCSC-2026-0900' });
    await b.get('/genuine');
    const page = await b.send('/genuine', { check: 'reference', reference: 'NCSC-2026-0900' });
    expect(page.html).toContain('We issued this advisory');
    expect(page.html).not.toContain('Secret exploit');
    expect(page.html).not.toContain('Read the published advisory');
  });

  it('bad input: the error summary, linked to the field', async () => {
    await b.get('/genuine');
    let page = await b.send('/genuine', { check: 'message', message: '' });
    expect(page.status).toBe(422);
    expect(titleOf(page.html)).toMatch(/^Error: /);
    expect(page.html).toContain('href="#file"');
    page = await b.send('/genuine', { check: 'message', message: 'not an e-mail at all' });
    expect(page.status).toBe(422);
    expect(page.html).toContain('href="#message"');
    expect(page.html).toContain('not an e-mail at all'); // kept, escaped, in the box
    page = await b.send('/genuine', { check: 'reference', reference: '<script>' });
    expect(page.status).toBe(422);
    expect(page.html).toContain('href="#reference"');
    expect(page.html).not.toContain('<script>');
  });

  it('refuses a form without the CSRF field, and too many checks with the error summary', async () => {
    await b.get('/genuine');
    expect((await b.post('/genuine', { check: 'reference', reference: 'NCSC-2026-0001' })).status).toBe(403);
    for (let i = 0; i < 5; i++)
      expect((await b.send('/genuine', { check: 'reference', reference: 'NCSC-2026-0001' })).status).toBe(
        200,
      );
    const page = await b.send('/genuine', { check: 'reference', reference: 'NCSC-2026-0001' });
    expect(page.status).toBe(429);
    expect(page.html).toContain('There is a problem');
    expect(page.html).toContain('Too many checks');
  });
});
