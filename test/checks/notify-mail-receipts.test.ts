// Mail sent through GOV.UK Notify (MAIL_PROVIDER=notify) bounces as Notify's delivery receipts, not to the
// VERP address: each failure is recorded as a bounce of the delivery our Message-ID names, by whose fault.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifySms } from '../../src/adapters/sms-notify.js';
import { deliveries, mailboxes } from '../../src/db/schema.js';
import { deliveryMessageId, mailDomain } from '../../src/mail/message-ids.js';
import { memoryLogger } from '../../src/ports/logger.js';
import { EMAIL_TEMPLATE } from '../notify/fake-notify.js';
import { notifyConfig } from '../notify/support.js';
import { makeTestApp, type TestApp } from '../support/app.js';
import {
  confirmed,
  insertAdvisory,
  insertDelivery,
  insertMailbox,
  seedCouncils,
} from '../support/fixtures.js';

let t: TestApp;
let inbound: string;
let mailboxId: string;
let deliveryId: string;

beforeEach(async () => {
  t = await makeTestApp();
  t.deps.sms = notifySms(notifyConfig(), memoryLogger('silent'));
  await seedCouncils(t);
  inbound = await t.tokenFor('inbound');
  const mailbox = await insertMailbox(t.db, {
    authorityCode: 'CRF',
    address: 'cyber@cardiff.gov.uk',
    ...confirmed(),
  });
  mailboxId = mailbox.id;
  const advisory = await insertAdvisory(t.db, { state: 'sending' });
  const delivery = await insertDelivery(t.db, {
    advisoryId: advisory.id,
    authorityCode: 'CRF',
    mailboxId,
    address: 'cyber@cardiff.gov.uk',
  });
  deliveryId = delivery.id;
});
afterEach(() => t.close());

const receipt = (status: string, overrides: Record<string, unknown> = {}) => ({
  id: '740e5834-3a29-46b4-9a6f-16142fde533a',
  reference: deliveryMessageId(mailDomain(t.deps.config), deliveryId),
  to: 'cyber@cardiff.gov.uk',
  status,
  created_at: '2026-11-30T09:00:00.000000Z',
  completed_at: '2026-11-30T09:00:07.000000Z',
  sent_at: '2026-11-30T09:00:01.000000Z',
  notification_type: 'email',
  template_id: EMAIL_TEMPLATE,
  template_version: 1,
  ...overrides,
});
const post = async (body: unknown) =>
  (await (await t.call('POST', '/api/v1/notify/receipts', { token: inbound, body })).json()) as {
    effect: string;
  };
const mailbox = async () => (await t.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0]!;
const delivery = async () => (await t.db.select().from(deliveries).where(eq(deliveries.id, deliveryId)))[0]!;

describe('Notify’s e-mail receipts', () => {
  it('permanent-failure: the delivery fails and the mailbox is unreachable, once', async () => {
    expect(await post(receipt('permanent-failure'))).toEqual({ effect: 'unreachable' });
    expect((await delivery()).status).toBe('permanent-failure');
    expect((await mailbox()).unreachableAt).not.toBeNull();
    expect(await post(receipt('permanent-failure'))).toEqual({ effect: 'duplicate' });
  });

  it('temporary-failure counts a soft bounce; technical-failure is ours, never the council’s', async () => {
    expect(await post(receipt('temporary-failure'))).toEqual({ effect: 'soft-bounce' });
    expect((await mailbox()).softBounces).toBe(1);
    expect(await post(receipt('technical-failure'))).toEqual({ effect: 'ours' });
    expect((await mailbox()).unreachableAt).toBeNull();
  });

  it('changes nothing for another address, a Message-ID not ours, or a delivered receipt', async () => {
    expect(await post(receipt('permanent-failure', { to: 'someone@cardiff.gov.uk' }))).toEqual({
      effect: 'unmatched',
    });
    expect(await post(receipt('permanent-failure', { reference: '<delivery.x@elsewhere.example>' }))).toEqual(
      {
        effect: 'unmatched',
      },
    );
    expect(await post(receipt('delivered'))).toEqual({ effect: 'recorded' });
    expect((await mailbox()).unreachableAt).toBeNull();
    expect((await delivery()).status).toBe('delivered');
  });
});
