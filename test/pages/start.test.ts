import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { insertAuthority } from '../support/factories.js';
import { browser } from './form-client.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe('GET /', () => {
  it('explains the service and has the start button and the sign-in link', async () => {
    const res = await browser(t).get('/');
    expect(res.status).toBe(200);
    expect(res.html.match(/<h1/g)).toHaveLength(1);
    expect(res.html).toMatch(/<a href="\/register"[^>]*govuk-button--start/);
    expect(res.html).toContain('href="/sign-in"');
    expect(res.html).not.toContain('Sign out');
  });

  it('shows the navigation for the principal', async () => {
    await insertAuthority(t.db, { code: 'CRF', name: 'Cardiff Council' });
    const council = browser(t);
    await council.signInAs(t.deps, { role: 'council', authorityCode: 'CRF' });
    const res = await council.get('/');
    expect(res.html).toContain('href="/account">Your council');
    expect(res.html).toMatch(
      /<form method="post" action="\/sign-out"[^>]*><input type="hidden" name="_csrf" value="[^"]+"/,
    );
    expect(res.html).not.toContain('class="govuk-service-navigation__link" href="/sign-in"');
    expect(res.html).not.toContain('Approvals');
  });
});
