import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryMailer } from '../../src/adapters/mailer-memory.js';
import { deliverySource } from '../../src/features/advisories/delivery-source.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { advisoryBody, advisoryCopies, createAdvisory, drain, seedFanOut } from './fanout-support.js';

let t: TestApp;
let admin: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedFanOut(t);
  admin = await t.tokenFor('admin');
});
afterEach(() => t.close());

// The release control, through the typed client (paths and answers checked against the OpenAPI document).
const byId = (id: string) => ({ params: { path: { id } } });
const release = (id: string, token: string) => t.api(token).POST('/api/v1/advisories/{id}/release', byId(id));
const approve = (id: string, token: string) => t.api(token).POST('/api/v1/advisories/{id}/approve', byId(id));
async function get(id: string) {
  const { data, response } = await t.api(admin).GET('/api/v1/advisories/{id}', byId(id));
  expect(response.status).toBe(200);
  return data!;
}

async function deliveryRows(advisoryId: string) {
  const rs = await t.client.execute({
    sql: 'select * from deliveries where advisory_id = ? order by address',
    args: [advisoryId],
  });
  return rs.rows as unknown as Array<Record<string, unknown>>;
}

describe('release and fan-out', () => {
  it('delivers once to every confirmed mailbox with the TLP label in subject and first line', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    const res = await release(id, admin);
    expect(res.data).toMatchObject({ state: 'sending', deliveries: 6, needsSecondApproval: false });
    const stats = await drain(t);
    expect(stats).toMatchObject({ claimed: 6, delivered: 6, failed: 0, retrying: 0 });
    expect(t.mailer.sent).toHaveLength(6);
    for (const m of t.mailer.sent) {
      expect(m.subject).toMatch(/^\[TLP:AMBER\] NCSC-\d{4}-\d{4}: Actively exploited/);
      expect(m.text.split('\n')[0]).toBe('TLP:AMBER');
      expect(m.text).toContain('END OF TLP:AMBER CONTENT');
      // The footer says where anyone can check the e-mail is ours.
      expect(m.text).toContain('Check that this e-mail is genuine at http://cyber-contacts.test/genuine\n');
      expect(m.html).toContain('href="http://cyber-contacts.test/genuine"');
      expect(m.text).toMatch(/http:\/\/cyber-contacts\.test\/ack\/[0-9a-z]+\.[A-Za-z0-9_-]{32}/);
      expect(m.messageId).toMatch(/^<delivery\.[0-9a-f]{26}@cyber-contacts\.test>$/);
      // The VERP address names the delivery and carries its signature tag (bounces cannot be forged).
      expect(m.envelopeFrom).toMatch(/^bounces\+[0-9a-f]{26}\.[0-9a-f]{16}@cyber-contacts\.test$/);
    }
    expect(new Set(t.mailer.sent.map((m) => m.to)).size).toBe(6);
    const advisory = await get(id);
    expect(advisory.state).toBe('sent');
    // A second drain finds nothing: no recipient gets it twice.
    expect((await drain(t)).claimed).toBe(0);
    expect(t.mailer.sent).toHaveLength(6);
  });

  it('sends TLP:RED only to confirmed primary mailboxes, and only after a second admin approves', async () => {
    const { id } = await createAdvisory(t, admin, { tlp: 'RED', audience: { warps: ['wales'] } });
    const released = (await release(id, admin)).data;
    expect(released).toMatchObject({ state: 'awaiting-approval', needsSecondApproval: true, deliveries: 0 });
    expect((await drain(t)).claimed).toBe(0);
    const self = await approve(id, admin);
    expect(self.response.status).toBe(403);
    const second = await t.tokenFor('admin');
    const approved = (await approve(id, second)).data;
    expect(approved).toMatchObject({ state: 'sending', deliveries: 3 });
    await drain(t);
    // The staff admin was told it waited for a second admin, without its TLP:RED title.
    const [notice, ...others] = t.mailer.to('tester@ncsc.example');
    expect(others).toHaveLength(0);
    expect(notice?.subject).toMatch(/^Waiting for your approval: NCSC-\d{4}-\d{4} \(TLP:RED, /);
    expect(notice?.text).toContain(`/advisories/${id}/approve`);
    const copies = advisoryCopies(t);
    expect(copies.map((m) => m.to).every((to) => to.startsWith('primary@'))).toBe(true);
    expect(copies).toHaveLength(3);
  });

  it('needs a second admin for a send reaching more than one WARP', async () => {
    const { id } = await createAdvisory(t, admin);
    const released = (await release(id, admin)).data;
    expect(released?.state).toBe('awaiting-approval');
    const warp = await t.tokenFor('warp', { warp: 'wales' });
    expect((await approve(id, warp)).response.status).toBe(403);
    const council = await t.tokenFor('council', { authority: 'WA0' });
    expect((await release(id, council)).response.status).toBe(403);
  });

  it('lets a WARP operator send to its own members only', async () => {
    const warp = await t.tokenFor('warp', { warp: 'wales' });
    const outside = await t.api(warp).POST('/api/v1/advisories', {
      body: advisoryBody({ audience: { authorities: ['LO0'] } }),
    });
    expect(outside.response.status).toBe(403);
    const { id } = await createAdvisory(t, warp, { audience: { all: true } });
    const released = (await release(id, warp)).data;
    expect(released).toMatchObject({ state: 'sending', deliveries: 6 });
    await drain(t);
    expect(t.mailer.sent.every((m) => /@wa\d\.gov\.uk$/.test(m.to))).toBe(true);
    const other = await t.tokenFor('warp', { warp: 'london' });
    expect((await t.call('POST', `/api/v1/advisories/${id}/cancel`, { token: other })).status).toBe(404);
  });

  it('retries 4xx with backoff until delivered; 5xx is permanent; the reply is kept', async () => {
    let refuse = true;
    const mailer = memoryMailer((m) => {
      if (m.to.startsWith('secondary@wa0'))
        return { status: 'permanent-failure', reply: '550 5.1.1 no such user', code: 550 };
      if (m.to.startsWith('primary@wa1') && refuse)
        return { status: 'temporary-failure', reply: '451 4.7.1 try later', code: 451 };
      return undefined;
    });
    t.deps.mailer = mailer;
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    await release(id, admin);
    const first = await drain(t);
    expect(first).toMatchObject({ delivered: 4, failed: 1, retrying: 1 });
    const rows = await deliveryRows(id);
    const perm = rows.find((r) => r.address === 'secondary@wa0.gov.uk')!;
    expect(perm).toMatchObject({
      status: 'permanent-failure',
      last_reply: '550 5.1.1 no such user',
      last_code: 550,
    });
    const temp = rows.find((r) => r.address === 'primary@wa1.gov.uk')!;
    expect(temp.status).toBe('temporary-failure');
    const wait = Number(temp.next_attempt_at) - t.clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    // Not due yet: nothing is claimed.
    expect((await drain(t)).claimed).toBe(0);
    refuse = false;
    t.clock.advance(31_000);
    expect(await drain(t)).toMatchObject({ claimed: 1, delivered: 1 });
    const after = (await deliveryRows(id)).find((r) => r.address === 'primary@wa1.gov.uk')!;
    expect(after).toMatchObject({ status: 'delivered', attempts: 2 });
    const advisory = await get(id);
    expect(advisory.state).toBe('sent');
  });

  it('gives up retrying at the deadline and keeps the last failure', async () => {
    t.deps.mailer = memoryMailer(() => ({ status: 'temporary-failure', reply: '421 busy', code: 421 }));
    const { id } = await createAdvisory(t, admin, { audience: { authorities: ['WA0'] } });
    await release(id, admin);
    for (let i = 0; i < 50; i++) {
      await drain(t);
      t.clock.advance(31 * 60_000);
    }
    await drain(t);
    const rows = await deliveryRows(id);
    for (const r of rows) {
      expect(r.status).toBe('temporary-failure');
      expect(r.next_attempt_at).toBeNull();
      expect(Number(r.attempts)).toBeGreaterThan(5);
    }
    const advisory = await get(id);
    expect(advisory.state).toBe('sent');
  });

  it('cancelling stops deliveries not yet sent', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    await release(id, admin);
    const res = await t.api(admin).POST('/api/v1/advisories/{id}/cancel', {
      ...byId(id),
      body: { reason: 'sent in error' },
    });
    expect(res.data).toMatchObject({ state: 'cancelled', stoppedDeliveries: 6 });
    expect((await drain(t)).claimed).toBe(0);
    expect(t.mailer.sent).toHaveLength(0);
    expect((await deliveryRows(id)).every((r) => r.status === 'cancelled')).toBe(true);
  });

  it('resumes after a crash: an expired lease is reclaimed and resent with the same Message-ID', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { warps: ['wales'] } });
    await release(id, admin);
    // A worker claims two deliveries and dies before writing anything back.
    const now = t.clock.now().getTime();
    const lost = await deliverySource(t.deps, 'dead-worker', 60_000).claim(2, now);
    expect(lost).toHaveLength(2);
    // Another worker sends the rest but leaves the leased ones alone while the lease holds.
    expect((await drain(t)).delivered).toBe(4);
    t.clock.advance(61_000);
    // Taken over once the lease ran out, and counted as possibly sent twice.
    expect(await drain(t)).toMatchObject({ delivered: 2, resent: 2 });
    const rows = await deliveryRows(id);
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    const ids = new Set(t.mailer.sent.map((m) => m.messageId));
    expect(ids.size).toBe(6);
    for (const d of lost) expect(ids.has(`<delivery.${d.id}@cyber-contacts.test>`)).toBe(true);
  });

  it('lets two workers drain one queue without sending anything twice', async () => {
    const { id } = await createAdvisory(t, admin, { audience: { all: true } });
    const second = await t.tokenFor('admin');
    await release(id, admin);
    await approve(id, second);
    const [a, b] = await Promise.all([
      drainDeliveries(t.deps, dispatchOptions(t.deps, { owner: 'a', batchSize: 2, concurrency: 2 })),
      drainDeliveries(t.deps, dispatchOptions(t.deps, { owner: 'b', batchSize: 2, concurrency: 2 })),
    ]);
    expect(a.delivered + b.delivered).toBe(12);
    expect(advisoryCopies(t)).toHaveLength(12);
    expect(new Set(advisoryCopies(t).map((m) => m.to)).size).toBe(12);
  });

  it('marks test advisories in every message, sends only to the test audience, and still needs two admins for RED', async () => {
    const put = await t.api(admin).PUT('/api/v1/test-audiences/{name}', {
      params: { path: { name: 'ncsc-testers' } },
      body: { addresses: ['tester@ncsc.example'] },
    });
    expect(put.response.status).toBeLessThan(300);
    const { id } = await createAdvisory(t, admin, { test: true, testAudience: 'ncsc-testers', tlp: 'RED' });
    const released = (await release(id, admin)).data;
    // A TLP:RED test still needs a second admin.
    expect(released).toMatchObject({ state: 'awaiting-approval', deliveries: 0 });
    const second = await t.tokenFor('admin');
    const approved = (await approve(id, second)).data;
    expect(approved).toMatchObject({ state: 'sending', deliveries: 1 });
    await drain(t);
    const copies = advisoryCopies(t);
    expect(copies.map((m) => m.to)).toEqual(['tester@ncsc.example']);
    expect(copies[0]!.subject).toContain('[TEST]');
    expect(copies[0]!.text).toContain('THIS IS A TEST MESSAGE');
  });
});
