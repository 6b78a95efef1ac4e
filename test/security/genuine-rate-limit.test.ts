// The genuineness check's limit per client holds: X-Forwarded-For is read from the proxy's end (a client
// cannot make up a new address), and an IPv6 /64 is one client (red-team pass, 5 December 2026).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ env: { TRUST_PROXY: 'true', RATE_LIMIT_PER_IP: '5' } });
});
afterEach(() => t.close());
const ask = (xff: string) =>
  t.app.request('/api/v1/genuine', {
    method: 'POST',
    // as a proxy that appends the real peer (203.0.113.9) forwards it
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `${xff}, 203.0.113.9` },
    body: JSON.stringify({ reference: 'NCSC-2026-0001' }),
  });
it('one client cannot make 20 checks past a limit of 5 by changing X-Forwarded-For', async () => {
  const statuses = [];
  for (let i = 0; i < 20; i++) statuses.push((await ask(`198.51.100.${i}`)).status);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
});
it('one /64 counts as one client', async () => {
  const statuses = [];
  for (let i = 0; i < 20; i++)
    statuses.push(
      (
        await t.app.request('/api/v1/genuine', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'cf-connecting-ip': `2001:db8:1:2::${i.toString(16)}`,
          },
          body: JSON.stringify({ reference: 'NCSC-2026-0001' }),
        })
      ).status,
    );
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
});
it('(control) the same X-Forwarded-For is limited', async () => {
  const statuses = [];
  for (let i = 0; i < 20; i++) statuses.push((await ask('198.51.100.1')).status);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
});
