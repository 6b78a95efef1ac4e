import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escalateUnacknowledged } from '../../src/features/advisories/escalate-unacknowledged.js';
import { seedTrackingWorld } from '../advisories/tracking-support.js';
import { type DeliveryInsert, insertAdvisory, insertDelivery } from '../support/advisory-factories.js';
import { makeTestApp, type TestApp } from '../support/app.js';

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

const _sentTo = (address: string) => t.mailer.sent.filter((m) => m.to === address);

describe('red team: escalation of a TLP:RED advisory', () => {
  it('does not put a TLP:RED title in the clear (subject or body) of the WARP operators’ e-mail', async () => {
    await sentAdvisory({ tlp: 'RED', title: 'Zero-day in Example Council payroll', requireEncryption: true });
    t.clock.advance(25 * HOUR);
    await escalateUnacknowledged(t.deps);
    const mails = t.mailer.sent;
    console.log(mails.map((m) => `${m.to} | ${m.subject}`));
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) {
      expect(m.subject).not.toContain('Zero-day');
      expect(m.text).not.toContain('Zero-day');
    }
  });
});
