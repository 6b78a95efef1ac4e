import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memorySms } from '../../src/adapters/sms-memory.js';
import { mobileNumbers, smsMessages } from '../../src/db/schema.js';
import { applySmsReceipt, followUpSms } from '../../src/features/mobiles/sms-receipts.js';
import { queueSms } from '../../src/features/outbound/queue-sms.js';
import type { SmsReceipt } from '../../src/ports/sms.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { seedCouncils } from '../support/fixtures.js';
import { insertMobile } from './support.js';

let t: TestApp;
let mobileId: string;
beforeEach(async () => {
  t = await makeTestApp();
  await seedCouncils(t);
  mobileId = (await insertMobile(t.db, 'CRF', '+447700900001')).id;
});
afterEach(() => t.close());

const receipt = (
  providerId: string,
  status: SmsReceipt['status'],
  providerStatus: string = status,
): SmsReceipt => ({
  providerId,
  reference: null,
  status,
  providerStatus,
  completedAt: new Date('2026-11-30T09:01:00Z'),
});

async function sendOne() {
  await queueSms(t.deps, [
    {
      purpose: 'drill',
      mobileId,
      authorityCode: 'CRF',
      toNumber: '+447700900001',
      text: 'EXERCISE: please acknowledge',
    },
  ]);
  const waiting = await t.db.select().from(smsMessages).where(eq(smsMessages.status, 'sending'));
  expect(waiting).toHaveLength(1);
  return waiting[0]!;
}

describe('what the provider says later', () => {
  it('a delivered receipt settles the text; a repeat or a late failure changes nothing', async () => {
    const row = await sendOne();
    expect(await applySmsReceipt(t.deps, receipt(row.providerId!, 'delivered'))).toBe('delivered');
    expect(await applySmsReceipt(t.deps, receipt(row.providerId!, 'permanent-failure'))).toBe(
      'already final',
    );
    expect(await applySmsReceipt(t.deps, receipt('unknown-id', 'delivered'))).toBe('no such text');
    const [after] = await t.db.select().from(smsMessages);
    expect(after).toMatchObject({ status: 'delivered', deliveredAt: Date.parse('2026-11-30T09:01:00Z') });
    const [mobile] = await t.db.select().from(mobileNumbers).where(eq(mobileNumbers.id, mobileId));
    expect(mobile?.unreachableAt).toBeNull();
  });

  it('a permanent failure marks the number unreachable; a temporary one does not', async () => {
    const row = await sendOne();
    expect(await applySmsReceipt(t.deps, receipt(row.providerId!, 'temporary-failure'))).toBe('failed');
    let [mobile] = await t.db.select().from(mobileNumbers).where(eq(mobileNumbers.id, mobileId));
    expect(mobile?.unreachableAt).toBeNull();
    const second = await sendOne();
    expect(await applySmsReceipt(t.deps, receipt(second.providerId!, 'permanent-failure'))).toBe('failed');
    [mobile] = await t.db.select().from(mobileNumbers).where(eq(mobileNumbers.id, mobileId));
    expect(mobile?.unreachableAt).not.toBeNull();
  });

  it('asks the provider about texts it never reported on, after a while, and settles them', async () => {
    const asked: string[] = [];
    const sms = memorySms();
    t.deps.sms = Object.assign(sms, {
      status: async (id: string) => {
        asked.push(id);
        return receipt(id, 'delivered');
      },
    });
    const row = await sendOne();
    expect(await followUpSms(t.deps)).toEqual({ asked: 0, settled: 0 });
    t.clock.advance(31 * 60_000);
    expect(await followUpSms(t.deps)).toEqual({ asked: 1, settled: 1 });
    expect(asked).toEqual([row.providerId]);
    expect(await followUpSms(t.deps)).toEqual({ asked: 0, settled: 0 });
  });
});

describe('a failure of ours while texting', () => {
  it('stops the drain: the other texts wait (untried) instead of each failing the same way', async () => {
    const tried: string[] = [];
    t.deps.sms = memorySms((sms) => {
      tried.push(sms.to);
      return {
        status: 'technical-failure',
        reply: '403 AuthError: Invalid token',
        failure: 'Notify AuthError',
      };
    });
    const mobiles = [mobileId];
    for (const n of ['+447700900002', '+447700900003']) mobiles.push((await insertMobile(t.db, 'CRF', n)).id);
    await queueSms(
      t.deps,
      mobiles.map((id, i) => ({
        purpose: 'drill' as const,
        mobileId: id,
        authorityCode: 'CRF',
        toNumber: `+44770090000${i + 1}`,
        text: 'EXERCISE: please acknowledge',
      })),
    );
    expect(tried).toHaveLength(1);
    const rows = await t.db.select().from(smsMessages);
    expect(rows.map((r) => r.status).sort()).toEqual(['created', 'created', 'technical-failure']);
    expect(rows.every((r) => (r.nextAttemptAt ?? 0) > t.clock.now().getTime())).toBe(true);
    const [mobile] = await t.db.select().from(mobileNumbers).where(eq(mobileNumbers.id, mobileId));
    expect(mobile?.unreachableAt).toBeNull();
  });
});
