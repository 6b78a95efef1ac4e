import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advisories, auditLog, deliveries, warpOperators } from '../../src/db/schema.js';
import { escalateUnacknowledged } from '../../src/features/advisories/escalate-unacknowledged.js';
import {
  type DeliveryInsert,
  insertAdvisory,
  insertDelivery,
  insertWarpOperators,
} from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedTrackingWorld } from './tracking-support.js';

const NOW = '2026-11-30T09:00:00Z';
const HOUR = 3600_000;
const released = new Date(NOW);
const deliveredAt = Date.parse('2026-11-30T09:05:00Z');

let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp({ now: NOW });
  await seedTrackingWorld(t);
});
afterEach(() => t.close());

/** An advisory out to five councils: some acknowledged, some not, one never delivered. */
async function sentAdvisory(overrides: Parameters<typeof insertAdvisory>[1] = {}) {
  const a = await insertAdvisory(t.db, {
    reference: 'NCSC-2026-0042',
    title: 'Example VPN flaw',
    tlp: 'AMBER',
    releasedAt: released,
    sentAt: released,
    ...overrides,
  });
  const d = (authorityCode: string, extra: Partial<DeliveryInsert> = {}) =>
    insertDelivery(t.db, { advisoryId: a.id, authorityCode, createdAt: deliveredAt, deliveredAt, ...extra });
  await d('CRF'); // delivered, not acknowledged
  await d('CRF', {
    mailboxKind: 'secondary',
    address: 'soc@cardiff.gov.uk',
    status: 'temporary-failure',
    deliveredAt: null,
  });
  await d('NWP', { acknowledgedAt: deliveredAt + HOUR, acknowledgedBy: 'Newport SOC' }); // acknowledged
  await d('SWA', { status: 'permanent-failure', deliveredAt: null }); // never delivered: nothing to chase
  await d('CMD'); // delivered, not acknowledged
  await d('CMD', { mailboxKind: 'secondary', address: 'it@camden.gov.uk', status: 'delivered' });
  await d('ORF'); // in no WARP
  return a;
}

const sentTo = (address: string) => t.mailer.sent.filter((m) => m.to === address);

describe('escalating unacknowledged councils', () => {
  it('waits ACK_ESCALATION_HOURS, then sends each WARP one e-mail listing only its unacknowledged councils, once', async () => {
    const a = await sentAdvisory();

    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    t.clock.advance(23 * HOUR);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    expect(t.mailer.sent).toHaveLength(0);

    t.clock.advance(2 * HOUR);
    const [result] = await escalateUnacknowledged(t.deps);
    expect(result).toMatchObject({
      advisoryId: a.id,
      escalated: true,
      warpsWithoutOperators: [],
      councilsWithoutWarp: ['ORF'],
    });
    expect([...result!.councils].sort()).toEqual(['CMD', 'CRF', 'ORF']);

    expect(t.mailer.sent).toHaveLength(2);
    const [wales] = sentTo('ops@wales-warp.gov.uk');
    const [london] = sentTo('ops@london-warp.gov.uk');
    expect(wales!.subject).toBe(
      '[TLP:AMBER] Not acknowledged: NCSC-2026-0042: Example VPN flaw (1 council in Wales WARP)',
    );
    expect(wales!.text.startsWith('TLP:AMBER\n')).toBe(true);
    expect(wales!.text).toContain('Cardiff Council (CRF): delivered 30 November 2026 at 9:05am (UK time)');
    for (const absent of ['Newport', 'Swansea', 'Camden', 'Orphan'])
      expect(wales!.text).not.toContain(absent);
    expect(wales!.html).toContain('Cardiff Council (CRF)');
    expect(london!.subject).toContain('(1 council in London WARP)');
    expect(london!.text).toContain('London Borough of Camden (CMD)');
    expect(london!.text).not.toContain('Cardiff');

    const row = await t.db.query.advisories.findFirst({ where: eq(advisories.id, a.id) });
    expect(row!.escalatedAt).toEqual(t.clock.now());
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'advisory.escalate'));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ subjectType: 'advisory', subjectId: a.id, actor: 'system' });
    expect(t.log.lines.some((l) => l.msg === 'escalation: councils in no WARP were not escalated')).toBe(
      true,
    );

    t.clock.advance(48 * HOUR);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    expect(t.mailer.sent).toHaveLength(2);
  });

  it('never escalates test, cancelled or unsent advisories, and counts from the second approval', async () => {
    await sentAdvisory({ reference: 'NCSC-2026-0100', test: true, testAudience: 'soc' });
    await insertAdvisory(t.db, { reference: 'NCSC-2026-0101', state: 'cancelled', releasedAt: released });
    await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0102',
      state: 'draft',
      releasedAt: null,
      sentAt: null,
    });
    const approvedLate = await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0103',
      state: 'sending',
      releasedAt: released,
      needsSecondApproval: true,
      approvedAt: new Date(released.getTime() + 10 * HOUR),
    });
    // Its copies went out at the approval.
    const approvedAt = released.getTime() + 10 * HOUR;
    await insertDelivery(t.db, { advisoryId: approvedLate.id, authorityCode: 'CRF', createdAt: approvedAt });

    t.clock.advance(25 * HOUR);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    t.clock.advance(10 * HOUR);
    const results = await escalateUnacknowledged(t.deps);
    expect(results.map((r) => r.reference)).toEqual(['NCSC-2026-0103']);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(['ops@wales-warp.gov.uk']);
  });

  it('logs a WARP without operators and mails every operator of a WARP that has several', async () => {
    await t.db.delete(warpOperators).where(eq(warpOperators.warpId, 'london'));
    await insertWarpOperators(t.db, 'wales', ['duty@wales-warp.gov.uk']);
    await sentAdvisory();
    t.clock.advance(25 * HOUR);
    const [result] = await escalateUnacknowledged(t.deps);
    expect(result!.warpsWithoutOperators).toEqual(['london']);
    expect(result!.warps).toEqual([
      {
        warp: 'wales',
        warpName: 'Wales WARP',
        councils: ['CRF'],
        sentTo: ['duty@wales-warp.gov.uk', 'ops@wales-warp.gov.uk'],
      },
    ]);
    expect(sentTo('duty@wales-warp.gov.uk')).toHaveLength(1);
    expect(sentTo('ops@wales-warp.gov.uk')).toHaveLength(1);
    expect(t.mailer.sent).toHaveLength(2);
    const warning = t.log.lines.find((l) => l.msg === 'escalation: WARP has no operator addresses');
    expect(warning).toMatchObject({ warp: 'london', councils: ['CMD'] });
  });

  it('POST /api/v1/advisories/{id}/escalate runs it now for one advisory (admin only), once', async () => {
    const a = await sentAdvisory();
    const warp = await t.tokenFor('warp', { warp: 'wales' });
    expect((await t.call('POST', `/api/v1/advisories/${a.id}/escalate`, { token: warp })).status).toBe(403);
    expect((await t.call('POST', `/api/v1/advisories/${a.id}/escalate`)).status).toBe(401);

    const admin = await t.tokenFor('admin');
    const res = await t.call('POST', `/api/v1/advisories/${a.id}/escalate`, { token: admin });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      escalated: boolean;
      warps: Array<{ warp: string; councils: string[] }>;
    };
    expect(body.escalated).toBe(true);
    expect(Object.fromEntries(body.warps.map((w) => [w.warp, w.councils]))).toEqual({
      wales: ['CRF'],
      london: ['CMD'],
    });
    expect(t.mailer.sent).toHaveLength(2);
    const [audit] = await t.db.select().from(auditLog).where(eq(auditLog.action, 'advisory.escalate'));
    expect(audit!.actor).toMatch(/^token:/);

    const again = await t.call('POST', `/api/v1/advisories/${a.id}/escalate`, { token: admin });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toMatch(/^No council is waiting/);
    expect(t.mailer.sent).toHaveLength(2);

    t.clock.advance(25 * HOUR);
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);

    const test = await insertAdvisory(t.db, { test: true, testAudience: 'soc' });
    expect((await t.call('POST', `/api/v1/advisories/${test.id}/escalate`, { token: admin })).status).toBe(
      409,
    );
    expect((await t.call('POST', '/api/v1/advisories/nope/escalate', { token: admin })).status).toBe(404);
  });

  it('escalates each delivery on its own clock: a council delivered later is escalated later, each once, never an acknowledged one', async () => {
    const a = await insertAdvisory(t.db, {
      reference: 'NCSC-2026-0050',
      state: 'sending',
      releasedAt: released,
      sentAt: null,
    });
    const at = (h: number) => released.getTime() + h * HOUR;
    const copy = (authorityCode: string, hour: number, extra: Partial<DeliveryInsert> = {}) =>
      insertDelivery(t.db, { advisoryId: a.id, authorityCode, createdAt: at(hour), ...extra });
    await copy('CRF', 0); // delivered at T
    await copy('NWP', 0, { acknowledgedAt: at(1), acknowledgedBy: 'Newport SOC' }); // acknowledged: never
    const run = async () => (await escalateUnacknowledged(t.deps)).flatMap((r) => r.councils);

    t.clock.set(new Date(at(5)));
    const late = await copy('CMD', 5); // a council delivered to five hours later
    const lateSecondary = await copy('CMD', 5, { mailboxKind: 'secondary', address: 'it@camden.gov.uk' });

    t.clock.set(new Date(at(24) - 1));
    expect(await run()).toEqual([]);
    t.clock.set(new Date(at(24)));
    expect(await run()).toEqual(['CRF']);
    expect(t.mailer.sent.map((m) => m.to)).toEqual(['ops@wales-warp.gov.uk']);
    expect(t.mailer.sent[0]!.text).not.toContain('Newport');

    t.clock.set(new Date(at(29) - 1));
    expect(await run()).toEqual([]);
    const before = await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, late.id) });
    expect(before!.escalatedAt).toBeNull();

    t.clock.set(new Date(at(29)));
    expect(await run()).toEqual(['CMD']);
    const [london] = t.mailer.to('ops@london-warp.gov.uk');
    expect(london!.subject).toContain('(1 council in London WARP)');
    expect(london!.text).toContain('London Borough of Camden (CMD): delivered 30 November 2026 at 2:00pm');
    for (const id of [late.id, lateSecondary.id]) {
      const row = await t.db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
      expect(row!.escalatedAt).toBe(at(29));
    }

    // Each once, whatever the sweeps; one audit entry a run that escalated something.
    t.clock.set(new Date(at(100)));
    expect(await run()).toEqual([]);
    expect(t.mailer.sent).toHaveLength(2);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, 'advisory.escalate'));
    expect(audits.map((e) => (e.after as { councils: string[] }).councils)).toEqual([['CRF'], ['CMD']]);
  });

  it('never escalates a council that acknowledged, on any of its copies, before its time', async () => {
    const a = await insertAdvisory(t.db, { reference: 'NCSC-2026-0051', releasedAt: released });
    const at = (h: number) => released.getTime() + h * HOUR;
    await insertDelivery(t.db, { advisoryId: a.id, authorityCode: 'CRF', createdAt: at(0) });
    await insertDelivery(t.db, {
      advisoryId: a.id,
      authorityCode: 'CRF',
      createdAt: at(6),
      mailboxKind: 'secondary',
      address: 'soc@cardiff.gov.uk',
      acknowledgedAt: at(7),
      acknowledgedBy: 'Cardiff SOC',
    });
    t.clock.set(new Date(at(200)));
    expect(await escalateUnacknowledged(t.deps)).toEqual([]);
    expect(t.mailer.sent).toHaveLength(0);
  });
});

describe('a TLP:RED advisory escalated', () => {
  // Found by the red-team pass of 5 December 2026: the title of a RED advisory never travels in the clear
  // (as in approval notices); the reference names it.
  it('keeps its title out of the WARP operators’ e-mail (subject and body)', async () => {
    await sentAdvisory({ tlp: 'RED', title: 'Zero-day in Example Council payroll', requireEncryption: true });
    t.clock.advance(25 * HOUR);
    await escalateUnacknowledged(t.deps);
    const mails = t.mailer.sent;
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) {
      expect(m.subject).not.toContain('Zero-day');
      expect(m.text).not.toContain('Zero-day');
      expect(m.subject).toContain('NCSC-');
    }
  });
});
