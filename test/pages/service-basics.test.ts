// The GOV.UK service basics: the accessibility statement, privacy notice, cookies and feedback pages for
// everyone, linked from every page; the phase banner in a landmark with its feedback link; the crown only
// when the service is allowed it; error pages in the service's own layout with plain words; and a deep
// link that survives signing in (never to another site).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { safeNextPath } from '../../src/web/next-page.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority, insertStaff, insertWarp } from '../support/fixtures.js';
import { browser, titleOf } from './form-client.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ env: { SUPPORT_ADDRESS: 'cyber-contacts@ncsc.example' } });
});
afterEach(() => t.close());

describe('the pages every service has', () => {
  it.each([
    [
      '/accessibility',
      'Accessibility statement for Council cyber contacts',
      'Web Content Accessibility Guidelines version 2.2',
    ],
    ['/privacy', 'Privacy notice', 'Information Commissioner’s Office'],
    ['/cookies', 'Cookies', 'cc_session'],
    ['/feedback', 'Give feedback', 'mailto:cyber-contacts@ncsc.example'],
  ])('%s is public and says what it must', async (path, heading, text) => {
    const res = await browser(t).get(path);
    expect(res.status).toBe(200);
    expect(res.html).toContain(`<h1 class="govuk-heading-l">${heading}</h1>`);
    expect(res.html).toContain(text);
  });

  it('links them from every page, with the feedback link in the phase banner’s landmark and the licence', async () => {
    const res = await browser(t).get('/register');
    for (const path of ['/accessibility', '/privacy', '/cookies'])
      expect(res.html).toContain(`href="${path}"`);
    expect(res.html).toMatch(
      /<section class="govuk-phase-banner" aria-label="Service phase">[\s\S]*?href="\/feedback"/,
    );
    expect(res.html).toContain('Open Government Licence v3.0');
    expect(res.html).toContain('© Crown copyright');
  });

  it('uses the GOV.UK crown only when it is allowed', async () => {
    const plain = await browser(t).get('/');
    expect(plain.html).not.toContain('govuk-header__logotype');
    expect(plain.html).toContain('<span class="app-header__service-name">Council cyber contacts</span>');
    expect(titleOf(plain.html)).not.toContain('GOV.UK');
    expect(plain.html).not.toContain('govuk-footer__copyright-logo');
    const branded = await makeTestApp({ env: { GOVUK_BRANDING: 'true' } });
    try {
      const page = await browser(branded).get('/');
      expect(page.html).toContain('govuk-header__logotype');
      expect(titleOf(page.html)).toMatch(/ – GOV\.UK$/);
      expect(page.html).toContain('govuk-footer__copyright-logo');
    } finally {
      branded.close();
    }
  });
});

describe('error pages', () => {
  it('keep the menu and the signed-in line, in plain words', async () => {
    const b = browser(t);
    await b.signInAs(t.deps, { role: 'admin', label: 'Duty officer' });
    const res = await b.get('/no-such-page');
    expect(res.status).toBe(404);
    expect(res.html).toContain('<h1 class="govuk-heading-l">Page not found</h1>');
    expect(res.html).toContain('If you typed the web address, check it is correct.');
    expect(res.html).not.toContain('There is no page at');
    expect(res.html).toContain('href="/dashboard"');
    expect(res.html).toContain('Signed in as Duty officer.');
    expect(res.html).toContain('action="/sign-out"');
    // An API caller still gets problem+json.
    const api = await t.call('GET', '/api/v1/no-such-thing', { token: await t.tokenFor('admin') });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('a deep link and signing in', () => {
  it('returns to the page asked for once signed in, and never to another site', async () => {
    const b = browser(t);
    const asked = await b.get('/advisories?state=sending');
    expect(asked.status).toBe(303);
    expect(asked.location).toBe('/sign-in');
    expect(asked.setCookies.join(';')).toMatch(
      /cc_next=%2Fadvisories%3Fstate%3Dsending|cc_next=\/advisories\?state=sending/,
    );
    // A WARP operator signs in with their link, in the same browser.
    await insertWarp(t.db, { id: 'wales', name: 'Wales WARP' });
    await insertStaff(t.db, ['duty@wales-warp.gov.uk'], { warpId: 'wales' });
    const signInWithLink = async () => {
      await b.get('/sign-in');
      await b.submit('/sign-in', { address: 'duty@wales-warp.gov.uk' });
      const mail = t.mailer.to('duty@wales-warp.gov.uk').at(-1)!;
      const link = /\/sign-in\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
      return b.post(link, {});
    };
    const signedIn = await signInWithLink();
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe('/advisories?state=sending');
    // Taken once: the next sign-in goes home.
    const again = await signInWithLink();
    expect(again.location).toBe('/dashboard');

    // A council asked for a staff page: it goes to its own page instead.
    const council = browser(t);
    await council.get('/dashboard');
    await council.get('/sign-in');
    await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council' });
    const token = await t.tokenFor('council', { authority: 'CRF' });
    expect((await council.submit('/sign-in/token', { token })).location).toBe('/account');
  });

  it('follows only a path on this site', () => {
    expect(safeNextPath('/advisories/abc')).toBe('/advisories/abc');
    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      '/sign-in',
      '/sign-in/abc',
      '/a\nb',
      '',
    ])
      expect(safeNextPath(bad), bad).toBeNull();
  });
});
