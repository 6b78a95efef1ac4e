// Rate limits stop abuse without letting an outsider lock a council out (issue 12, items 8 and 11): the
// requester is counted, not the council or its address; mail to an address is capped but the links already
// sent keep working; signed-in councils and admins are never limited by anonymous counters; and someone not
// signed in gets the same answer whether or not the address was registered already.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { registration, seedCouncils } from '../support/fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_IP: '10' } });
  await seedCouncils(t);
});
afterEach(() => t.close());

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const register = (ip: string, body = registration()) =>
  t.call('POST', '/api/v1/mailboxes', { body, headers: from(ip) });

describe('an outsider flooding a council', () => {
  it('is stopped per requester; the council registers from elsewhere as normal', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push(
        (await register('198.51.100.66', registration({ address: `junk${i}@cardiff.gov.uk` }))).status,
      );
    expect(statuses.filter((s) => s === 429).length).toBe(15);
    // The council itself, from its own network: not affected by the outsider's count.
    const own = await register('203.0.113.10');
    expect(own.status).toBe(202);
    expect(t.mailer.to('cyber@cardiff.gov.uk')).toHaveLength(1);
  });

  it('cannot stop the council’s sign-in links: the mail is capped, and the last link sent works', async () => {
    // The council's confirmed primary.
    await register('203.0.113.10');
    const confirm = /\/confirm\/([A-Za-z0-9_-]+)/.exec(
      t.mailer.to('cyber@cardiff.gov.uk').at(-1)?.text ?? '',
    )?.[1];
    expect(
      (await t.app.request(`/confirm/${confirm}`, { method: 'POST', headers: { accept: 'text/html' } }))
        .status,
    ).toBe(303);
    const signIn = (ip: string) =>
      t.app.request('/sign-in', {
        method: 'POST',
        headers: {
          ...from(ip),
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: 'cc_csrf=aaaaaaaaaaaaaaaaaaaaaaaa',
        },
        body: 'address=cyber%40cardiff.gov.uk&_csrf=aaaaaaaaaaaaaaaaaaaaaaaa',
      });
    for (let i = 0; i < 12; i++) await signIn(`198.51.100.${i}`);
    await signIn('203.0.113.10');
    const { settleBackground } = await import('../../src/lib/background.js');
    await settleBackground(t.deps.db);
    const links = t.mailer
      .to('cyber@cardiff.gov.uk')
      .map((m) => /\/sign-in\/([A-Za-z0-9_-]+)/.exec(m.text)?.[1])
      .filter(Boolean);
    // At most RATE_LIMIT_PER_ADDRESS mails an hour (1 confirmation + 4 sign-in links here)…
    expect(links.length).toBe(4);
    // …and the last one in the mailbox signs the council in (opened on another device than the one that
    // asked: the person confirms it on the page the link shows).
    const res = await t.app.request(`/sign-in/${links.at(-1)}`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'otherBrowser=yes',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account');
  });

  it('never limits a signed-in council or an admin by the anonymous counters', async () => {
    for (let i = 0; i < 12; i++)
      await register('198.51.100.66', registration({ address: `junk${i}@cardiff.gov.uk` }));
    const council = await t.tokenFor('council', { authority: 'CRF' });
    const admin = await t.tokenFor('admin');
    for (const token of [council, admin]) {
      const res = await t.call('POST', '/api/v1/mailboxes', {
        token,
        body: registration({ address: `soc-${token.slice(-4)}@cardiff.gov.uk`, kind: 'secondary' }),
        headers: from('198.51.100.66'),
      });
      expect(res.status, await res.clone().text()).toBe(202);
    }
  });
});

describe('the answer to someone not signed in', () => {
  it('is the same for an address registered already as for a new one, and claims no send', async () => {
    const first = await register('203.0.113.10');
    const again = await register('203.0.113.11');
    const fresh = await register('203.0.113.12', registration({ address: 'soc@cardiff.gov.uk' }));
    const bodies = await Promise.all([first, again, fresh].map((r) => r.json()));
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]).not.toHaveProperty('confirmationSent');
    expect(bodies[0].message).not.toMatch(/we have sent/i);
  });
});
