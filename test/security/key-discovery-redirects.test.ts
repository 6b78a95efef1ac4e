// Key discovery stays on the council's own domain: a redirect elsewhere (an internal host) is not followed,
// and look-ups are rate limited before anything is fetched (found by the red-team pass of 5 December 2026).
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wkdHash } from '../../src/mail/wkd.js';
import { seedFanOut } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { useMsw } from '../support/msw.js';

const server = useMsw();
let t: TestApp;
let council: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
  council = await t.tokenFor('council', { authority: 'WA1' });
});
afterEach(() => t.close());

describe('key discovery', () => {
  it('does not follow a redirect off the council’s domain', async () => {
    const hash = await wkdHash('primary');
    const seen: string[] = [];
    server.use(
      http.get(`https://openpgpkey.wa1.gov.uk/.well-known/openpgpkey/wa1.gov.uk/hu/${hash}`, () =>
        HttpResponse.redirect('https://169.254.169.254/latest/meta-data/iam/', 302),
      ),
      http.get('https://169.254.169.254/*', ({ request }) => {
        seen.push(request.url);
        return new HttpResponse('secret', { status: 418 });
      }),
      http.get(`https://wa1.gov.uk/*`, () => HttpResponse.error()),
    );
    const res = await t.call('POST', '/api/v1/mailboxes/WA1-primary/key/discover', {
      token: council,
      body: { source: 'wkd' },
    });
    const text = await res.text();
    console.log(res.status, text);
    expect(seen).toEqual([]);
    expect(text).not.toContain('418');
  });

  it('is rate limited before it fetches', async () => {
    let fetches = 0;
    server.use(
      http.get('https://*/*', () => {
        fetches++;
        return HttpResponse.error();
      }),
    );
    for (let i = 0; i < 60; i++)
      await t.call('POST', '/api/v1/mailboxes/WA1-primary/key/discover', {
        token: council,
        body: { source: 'security-txt' },
      });
    expect(fetches).toBeLessThan(60);
  });
});
