import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advisories, auditLog, deliveries, mobileNumbers, smsMessages } from '../../src/db/schema.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { escalateUnacknowledged } from '../../src/features/advisories/escalate-unacknowledged.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { advisoryBody, insertWarpOperators, seedCouncils } from '../support/fixtures.js';
import { insertConfirmedMailbox, insertMobile } from './support.js';

const HOUR = 3600_000;
let t: TestApp;
let admin: string;

beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
  await insertConfirmedMailbox(t.db, 'CRF', 'cyber@cardiff.gov.uk');
  await insertConfirmedMailbox(t.db, 'NWP', 'cyber@newport.gov.uk');
  await insertConfirmedMailbox(t.db, 'CMD', 'cyber@camden.gov.uk');
  await insertMobile(t.db, 'CRF', '+447700900001');
  await insertMobile(t.db, 'CRF', '+447700900002');
  await insertMobile(t.db, 'CRF', '+447700900003', { state: 'pending', confirmedAt: null });
  await insertMobile(t.db, 'NWP', '+447700900004', {
    unreachableAt: new Date(),
    unreachableReason: 'refused',
  });
  await insertMobile(t.db, 'CRF', '+447700900005', { state: 'retired', retiredAt: new Date() });
  await insertWarpOperators(t.db, 'wales', ['ops@wales-warp.gov.uk']);
});
afterEach(() => t.close());

const drain = () => drainDeliveries(t.deps, dispatchOptions(t.deps));

async function release(body: Record<string, unknown>, token = admin) {
  const created = await t.call('POST', '/api/v1/advisories', {
    token,
    body: advisoryBody({ audience: { warps: ['wales'] }, ...body }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const advisory = await created.json();
  const res = await t.call('POST', `/api/v1/advisories/${advisory.id}/release`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  await drain();
  return advisory as { id: string; reference: string };
}

const linkIn = (text: string) => /\/s\/([0-9a-z]+\.[A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';

describe('a critical advisory texts the confirmed out-of-hours mobiles in its audience', () => {
  it('one text per confirmed, reachable number; none to pending, unreachable or retired numbers, nor outside the audience', async () => {
    await insertMobile(t.db, 'CMD', '+447700900006'); // Camden: London WARP, not in the audience
    const a = await release({
      severity: 'critical',
      title: 'Secret appliance flaw',
      summary: 'Patch the thing',
    });
    expect(t.sms.sent.map((s) => s.to).sort()).toEqual(['+447700900001', '+447700900002']);
    for (const text of t.sms.sent) {
      expect(text.text).toContain(a.reference);
      expect(text.text).toContain('CRITICAL');
      expect(text.text).toContain('Cardiff');
      expect(text.text).not.toContain('Secret appliance flaw');
      expect(text.text).not.toContain('Patch the thing');
      expect(text.text.length).toBeLessThanOrEqual(459);
    }
    const rows = await t.db.select().from(smsMessages).where(eq(smsMessages.advisoryId, a.id));
    expect(rows.every((r) => r.purpose === 'heads-up' && r.status === 'sending' && r.text === null)).toBe(
      true,
    );
    // Draining again sends nothing more.
    await drain();
    expect(t.sms.sent).toHaveLength(2);
    // The progress counts the texts, within the caller's scope.
    const progress = await (
      await t.call('GET', `/api/v1/advisories/${a.id}/progress`, { token: admin })
    ).json();
    expect(progress.texts).toEqual([{ purpose: 'heads-up', status: 'sending', texts: 2 }]);
    const newport = await t.tokenFor('council', { authority: 'NWP' });
    const theirs = await (
      await t.call('GET', `/api/v1/advisories/${a.id}/progress`, { token: newport })
    ).json();
    expect(theirs.texts).toEqual([]);
  });

  it('a high advisory texts nobody unless an admin marks it urgent; a WARP operator cannot; a test never texts', async () => {
    await release({ severity: 'high' });
    expect(t.sms.sent).toHaveLength(0);
    await release({ severity: 'high', urgent: true });
    expect(t.sms.sent).toHaveLength(2);
    expect(t.sms.sent[0]?.text).toContain('URGENT');

    const warp = await t.tokenFor('warp', { warp: 'wales' });
    const refused = await t.call('POST', '/api/v1/advisories', {
      token: warp,
      body: advisoryBody({ audience: { warps: ['wales'] }, urgent: true }),
    });
    expect(refused.status).toBe(403);

    await t.call('PUT', '/api/v1/test-audiences/desk', {
      token: admin,
      body: { addresses: ['cyber@cardiff.gov.uk'] },
    });
    const test = await t.call('POST', '/api/v1/advisories', {
      token: admin,
      body: advisoryBody({ severity: 'critical', test: true, testAudience: 'desk' }),
    });
    const id = (await test.json()).id;
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await drain();
    expect(t.sms.sent).toHaveLength(2);
  });

  it('the text’s link shows no content above TLP:CLEAR and acknowledges for the council, once, whichever channel', async () => {
    const a = await release({ severity: 'critical', title: 'Secret appliance flaw' });
    const token = linkIn(t.sms.sent[0]!.text);
    const page = await t.call('GET', `/s/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(a.reference);
    expect(html).toContain('Cardiff Council');
    expect(html).not.toContain('Secret appliance flaw');
    // GET changes nothing.
    expect(
      (await t.db.select().from(deliveries).where(eq(deliveries.authorityCode, 'CRF')))[0]?.acknowledgedAt,
    ).toBeNull();

    const ack = await t.call('POST', `/s/${token}`, { headers: { accept: 'application/json' } });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({
      alreadyAcknowledged: false,
      authority: 'CRF',
      acknowledgedBy: 'out-of-hours mobile 07••• •••001',
    });
    const other = linkIn(t.sms.sent[1]!.text);
    const again = await t.call('POST', `/s/${other}`, { headers: { accept: 'application/json' } });
    expect((await again.json()).alreadyAcknowledged).toBe(true);
    const acked = await t.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.advisoryId, a.id), eq(deliveries.authorityCode, 'CRF')));
    expect(acked.filter((d) => d.acknowledgedAt !== null)).toHaveLength(1);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, 'delivery.acknowledge'));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toMatch(/^sms:/);

    // A forged or altered token is not recognised and changes nothing.
    expect((await t.call('GET', `/s/${token.slice(0, -2)}xx`)).status).toBe(404);
    expect((await t.call('POST', `/s/${token.replace(/^./, 'z')}`)).status).toBe(404);
  });

  it('a TLP:CLEAR advisory’s page may show its title and summary', async () => {
    await release({ severity: 'critical', tlp: 'CLEAR', title: 'Public flaw', summary: 'Everyone knows' });
    const html = await (await t.call('GET', `/s/${linkIn(t.sms.sent[0]!.text)}`)).text();
    expect(html).toContain('Public flaw');
  });

  it('a heads-up not yet sent when the advisory is cancelled is dropped', async () => {
    const created = await t.call('POST', '/api/v1/advisories', {
      token: admin,
      body: advisoryBody({ audience: { warps: ['wales'] }, severity: 'critical' }),
    });
    const { id } = await created.json();
    // No wake-up: the texts wait in the queue.
    const wake = t.deps.outbound;
    t.deps.outbound = undefined;
    await t.call('POST', `/api/v1/advisories/${id}/release`, { token: admin });
    await t.call('POST', `/api/v1/advisories/${id}/cancel`, {
      token: admin,
      body: { reason: 'sent in error' },
    });
    t.deps.outbound = wake;
    await drain();
    expect(t.sms.sent).toHaveLength(0);
    const rows = await t.db.select().from(smsMessages).where(eq(smsMessages.advisoryId, id));
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });
});

describe('escalation texts the out-of-hours mobile before the WARP is told', () => {
  it('texts unacknowledged councils at the window, tells the WARP after the grace period, and an SMS acknowledgement stops it', async () => {
    const a = await release({ severity: 'critical' });
    const headsUps = t.sms.sent.length;
    t.clock.advance(23 * HOUR);
    await escalateUnacknowledged(t.deps);
    expect(t.sms.sent).toHaveLength(headsUps);

    // Cardiff's mobiles are texted and its WARP waits; Newport has no reachable mobile: nobody to text, so
    // its WARP is told at once.
    t.clock.advance(2 * HOUR);
    const [atOnce] = await escalateUnacknowledged(t.deps);
    expect(atOnce?.councils).toEqual(['NWP']);
    await drain();
    const escalations = t.sms.sent.slice(headsUps);
    expect(escalations.map((s) => s.to).sort()).toEqual(['+447700900001', '+447700900002']);
    expect(escalations[0]?.text).toContain('has not yet acknowledged');
    const [mail] = t.mailer.to('ops@wales-warp.gov.uk');
    expect(mail?.text).toContain('Newport');
    expect(mail?.text).not.toContain('Cardiff');
    const [row] = await t.db.select().from(advisories).where(eq(advisories.id, a.id));
    expect(row?.smsEscalatedAt).not.toBeNull();

    // Cardiff answers the text: its WARP is never told.
    const ack = await t.call('POST', `/s/${linkIn(escalations[0]!.text)}`, {
      headers: { accept: 'application/json' },
    });
    expect(ack.status).toBe(200);

    t.clock.advance(HOUR / 2);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    t.clock.advance(10 * HOUR);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    expect(t.mailer.to('ops@wales-warp.gov.uk')).toHaveLength(1);
    // Texted once, whatever the sweeps.
    await escalateUnacknowledged(t.deps);
    await drain();
    expect(t.sms.sent).toHaveLength(headsUps + 2);
  });

  it('a texted council still silent after SMS_ESCALATION_GRACE_HOURS reaches its WARP, not before', async () => {
    await t.db.delete(mobileNumbers).where(eq(mobileNumbers.authorityCode, 'NWP'));
    await insertMobile(t.db, 'NWP', '+447700900006');
    await release({ severity: 'critical' });
    t.clock.advance(25 * HOUR);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    t.clock.advance(HOUR * t.deps.config.SMS_ESCALATION_GRACE_HOURS - 1);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    t.clock.advance(1);
    const [warp] = await escalateUnacknowledged(t.deps);
    expect(warp?.councils.sort()).toEqual(['CRF', 'NWP']);
  });

  it('an advisory that is neither critical nor urgent goes straight to the WARP', async () => {
    await release({ severity: 'high' });
    t.clock.advance(25 * HOUR);
    const [warp] = await escalateUnacknowledged(t.deps);
    expect(warp?.councils.sort()).toEqual(['CRF', 'NWP']);
    expect(t.sms.sent).toHaveLength(0);
  });

  it('with nobody to text, a critical advisory reaches the WARP at the window', async () => {
    await t.db.update(smsMessages).set({ status: 'delivered' });
    await t.db.update(mobileNumbers).set({ state: 'retired' });
    await release({ severity: 'critical' });
    t.clock.advance(25 * HOUR);
    const [warp] = await escalateUnacknowledged(t.deps);
    expect(warp?.councils.sort()).toEqual(['CRF', 'NWP']);
  });
});
