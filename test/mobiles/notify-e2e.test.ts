// The second channel end to end through the GOV.UK Notify adapter (a fake Notify behind msw that checks
// the JWT, the request and the rate limit as Notify does): a critical advisory's heads-ups, Notify's
// delivery receipts, and an acknowledgement by the text's link stopping the escalation.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifySms } from '../../src/adapters/sms-notify.js';
import { mobileNumbers, smsMessages } from '../../src/db/schema.js';
import { dispatchOptions, drainDeliveries } from '../../src/features/advisories/dispatch.js';
import { escalateUnacknowledged } from '../../src/features/advisories/escalate-unacknowledged.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { SMS_TEMPLATE } from '../notify/fake-notify.js';
import { notifyConfig, useFakeNotify } from '../notify/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import { advisoryBody, insertWarpOperators, seedCouncils } from '../support/fixtures.js';
import { insertConfirmedMailbox, insertMobile } from './support.js';

const HOUR = 3600_000;
const notify = useFakeNotify();
let t: TestApp;
let admin: string;
let inbound: string;

beforeEach(async () => {
  t = await makeTestApp();
  t.deps.sms = notifySms(notifyConfig(), memoryLogger('silent'), { now: () => notify.state.clock.now() });
  await seedCouncils(t);
  admin = await t.tokenFor('admin');
  inbound = await t.tokenFor('inbound');
  await insertConfirmedMailbox(t.db, 'CRF', 'cyber@cardiff.gov.uk');
  await insertConfirmedMailbox(t.db, 'NWP', 'cyber@newport.gov.uk');
  await insertMobile(t.db, 'CRF', '+447700900001');
  await insertMobile(t.db, 'NWP', '+447700900002');
  await insertWarpOperators(t.db, 'wales', ['ops@wales-warp.gov.uk']);
});
afterEach(() => t.close());

const drain = () => drainDeliveries(t.deps, dispatchOptions(t.deps));
const texts = () =>
  notify.state.fake.calls.filter((c) => c.path === '/v2/notifications/sms' && c.answered === 201);
const messageOf = (call: ReturnType<typeof texts>[number]) =>
  String((call.body?.personalisation as { message?: string } | undefined)?.message ?? '');
const receipt = (id: string, status: string) => ({
  id,
  reference: null,
  to: '+447700900001',
  status,
  created_at: '2026-05-06T10:00:00.000000Z',
  completed_at: '2026-05-06T10:00:07.000000Z',
  sent_at: '2026-05-06T10:00:01.000000Z',
  notification_type: 'sms',
  template_id: SMS_TEMPLATE,
  template_version: 1,
});

describe('a critical advisory through GOV.UK Notify', () => {
  it('texts one heads-up per confirmed number; receipts settle them; the link’s acknowledgement stops the escalation', async () => {
    const created = await t.call('POST', '/api/v1/advisories', {
      token: admin,
      body: advisoryBody({ audience: { warps: ['wales'] }, severity: 'critical', title: 'Secret flaw' }),
    });
    const advisory = await created.json();
    expect((await t.call('POST', `/api/v1/advisories/${advisory.id}/release`, { token: admin })).status).toBe(
      200,
    );
    await drain();

    const sent = texts();
    expect(sent.map((c) => c.body?.phone_number).sort()).toEqual(['+447700900001', '+447700900002']);
    for (const call of sent) {
      expect(call.body?.template_id).toBe(SMS_TEMPLATE);
      expect(messageOf(call)).toContain(advisory.reference);
      expect(messageOf(call)).not.toContain('Secret flaw');
    }
    const rows = await t.db.select().from(smsMessages);
    expect(rows.every((r) => r.status === 'sending' && r.providerId)).toBe(true);
    // Each text's reference is our row's id, which Notify's receipts and look-ups name.
    expect(sent.map((c) => c.body?.reference).sort()).toEqual(rows.map((r) => r.id).sort());

    // Notify's receipts, with the inbound token it was given.
    const cardiffRow = rows.find((r) => r.toNumber === '+447700900001')!;
    const newportRow = rows.find((r) => r.toNumber === '+447700900002')!;
    const delivered = await t.call('POST', '/api/v1/notify/receipts', {
      token: inbound,
      body: receipt(cardiffRow.providerId!, 'delivered'),
    });
    expect(await delivered.json()).toEqual({ effect: 'delivered' });
    const refused = await t.call('POST', '/api/v1/notify/receipts', {
      token: inbound,
      body: receipt(newportRow.providerId!, 'permanent-failure'),
    });
    expect(await refused.json()).toEqual({ effect: 'failed' });
    const [newportMobile] = await t.db
      .select()
      .from(mobileNumbers)
      .where(eq(mobileNumbers.authorityCode, 'NWP'));
    expect(newportMobile?.unreachableAt).not.toBeNull();
    const bad = await t.call('POST', '/api/v1/notify/receipts', { token: inbound, body: { hello: 'world' } });
    expect(bad.status).toBe(400);

    // Cardiff acknowledges from the text's link; at the window only Newport is left, and its WARP is told
    // once the grace period has passed (Newport's number refuses texts, so nobody is texted).
    const link = /\/s\/([^\s]+)/.exec(
      messageOf(sent.find((c) => c.body?.phone_number === '+447700900001')!),
    )![1];
    const ack = await t.call('POST', `/s/${link}`, { headers: { accept: 'application/json' } });
    expect(ack.status).toBe(200);
    t.clock.advance(25 * HOUR);
    const [escalation] = await escalateUnacknowledged(t.deps);
    expect(escalation?.councils).toEqual(['NWP']);
    expect(texts()).toHaveLength(2);
  });
});
