// A mail provider that refuses us is plain to see: each kind of failed send is logged once per drain as a
// warning, a drain in which every send failed the same way is an error, the kinds are counted on /metrics
// (cc_mail_send_failures_total), and an advisory's progress (API and page) lists them. Its scope holds:
// a WARP operator sees the failures of its own members' deliveries only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import { advisoryBody, drain, seedFanOut } from '../advisories/fanout-support.js';
import { makeTestApp, type TestApp } from '../support/app.js';

const refused = {
  status: 'permanent-failure' as const,
  reply: '400 MessageRejected: Email address is not verified.',
  failure: 'SES MessageRejected',
};

let t: TestApp;
let admin: string;
let advisoryId: string;

beforeEach(async () => {
  // Every advisory copy is refused the same way; other mail goes.
  const mailer = memoryMailer((m) => (m.headers?.['X-Advisory-Reference'] ? refused : undefined));
  t = await makeTestApp({ deps: { mailer } });
  await seedFanOut(t, ['wales', 'london'], 3);
  admin = await t.tokenFor('admin');
  const created = await t.call('POST', '/api/v1/advisories', {
    token: admin,
    body: advisoryBody({ tlp: 'CLEAR', audience: { warps: ['wales'] } }),
  });
  advisoryId = ((await created.json()) as { id: string }).id;
  const released = await t.call('POST', `/api/v1/advisories/${advisoryId}/release`, { token: admin });
  expect(released.status, await released.clone().text()).toBe(200);
  await drain(t);
});
afterEach(() => t.close());

const warnings = () => t.log.lines.filter((l) => l.msg === 'sends are failing');
const errors = () => t.log.lines.filter((l) => String(l.msg).startsWith('every send in this batch failed'));

describe('failed sends by kind', () => {
  it('logs a warning once per kind per drain, and an error when the whole drain failed one way', () => {
    expect(warnings()).toEqual([
      expect.objectContaining({ level: 'warn', kind: 'SES MessageRejected', status: 'permanent-failure' }),
    ]);
    expect(errors()).toEqual([expect.objectContaining({ level: 'error', kind: 'SES MessageRejected' })]);
  });

  it('counts them on /metrics, adding up over drains', async () => {
    const metric = async () => {
      const text = await (await t.call('GET', '/metrics', { token: admin })).text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('cc_mail_send_failures_total{kind="SES MessageRejected"'));
      return Number(line?.split(' ').at(-1));
    };
    const first = await metric();
    expect(first).toBeGreaterThanOrEqual(5);
    // Everything refused was made retryable again (the same reply for most recipients is about us): the
    // next drain fails the same way and adds to the counter.
    await t.call('POST', '/api/v1/mail/resume', { token: admin });
    await drain(t);
    expect(await metric()).toBeGreaterThan(first);
  });

  it('lists them in the advisory’s progress, on the API and on its page', async () => {
    const res = await t.call('GET', `/api/v1/advisories/${advisoryId}/progress`, { token: admin });
    const progress = (await res.json()) as {
      failures: Array<{ kind: string; deliveries: number; reply: string }>;
    };
    expect(progress.failures).toHaveLength(1);
    expect(progress.failures[0]).toMatchObject({ kind: 'SES MessageRejected', reply: refused.reply });
    expect(progress.failures[0]!.deliveries).toBe(6); // 3 Welsh councils, primary and secondary
    const page = await t.app.request(`/advisories/${advisoryId}`, {
      headers: { accept: 'text/html', authorization: `Bearer ${admin}` },
    });
    const html = await page.text();
    expect(html).toContain('SES MessageRejected');
    expect(html).toContain('Email address is not verified.');
  });

  it('a WARP operator sees only its own members’ failures; another WARP’s sees none', async () => {
    const wales = await t.tokenFor('warp', { warp: 'wales' });
    const london = await t.tokenFor('warp', { warp: 'london' });
    const own = await t.call('GET', `/api/v1/advisories/${advisoryId}/progress`, { token: wales });
    expect(((await own.json()) as { failures: Array<{ deliveries: number }> }).failures[0]?.deliveries).toBe(
      6,
    );
    const other = await t.call('GET', `/api/v1/advisories/${advisoryId}/progress`, { token: london });
    if (other.status === 200) expect(((await other.json()) as { failures: unknown[] }).failures).toEqual([]);
    else expect([403, 404]).toContain(other.status);
  });
});
