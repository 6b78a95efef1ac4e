// Notify's delivery receipts (the callback body of app/celery/service_callback_tasks.py) and the bearer
// token Notify sends with them.
import { describe, expect, it } from 'vitest';
import { parseNotifyReceipt } from '../../src/adapters/notify-receipts.js';

/** A receipt as Notify posts it. */
const receipt = (extra: Record<string, unknown> = {}) => ({
  id: '740e5834-3a29-46b4-9a6f-16142fde533a',
  reference: 'sms.0f3c9a',
  to: '+447700900123',
  status: 'delivered',
  created_at: '2026-05-06T10:00:00.000000Z',
  completed_at: '2026-05-06T10:00:07.123456Z',
  sent_at: '2026-05-06T10:00:01.000000Z',
  notification_type: 'sms',
  template_id: 'f33517ff-2a88-4f6e-b855-c550268ce08a',
  template_version: 1,
  ...extra,
});

describe('parsing a Notify delivery receipt', () => {
  it('reads a text’s receipt: Notify’s id, our reference, the status in our words and when it finished', () => {
    expect(parseNotifyReceipt(receipt())).toEqual({
      providerId: '740e5834-3a29-46b4-9a6f-16142fde533a',
      reference: 'sms.0f3c9a',
      status: 'delivered',
      providerStatus: 'delivered',
      completedAt: new Date('2026-05-06T10:00:07.123Z'),
      type: 'sms',
      to: '+447700900123',
    });
  });

  it('maps each of Notify’s statuses onto ours (an international text’s `sent` counts as delivered)', () => {
    const cases: Array<[string, string]> = [
      ['created', 'sending'],
      ['sending', 'sending'],
      ['pending', 'sending'],
      ['sent', 'delivered'],
      ['delivered', 'delivered'],
      ['permanent-failure', 'permanent-failure'],
      ['temporary-failure', 'temporary-failure'],
      ['technical-failure', 'technical-failure'],
    ];
    for (const [word, status] of cases)
      expect(parseNotifyReceipt(receipt({ status: word })), word).toMatchObject({
        status,
        providerStatus: word,
      });
  });

  it('reads an email’s receipt (a bounce of mail sent through Notify), naming our Message-ID', () => {
    const bounce = parseNotifyReceipt(
      receipt({
        to: 'cyber@cardiff.gov.uk',
        reference: '<delivery.d1@cyber-contacts.example>',
        status: 'permanent-failure',
        notification_type: 'email',
        completed_at: null,
      }),
    );
    expect(bounce).toMatchObject({
      type: 'email',
      to: 'cyber@cardiff.gov.uk',
      reference: '<delivery.d1@cyber-contacts.example>',
      status: 'permanent-failure',
      completedAt: null,
    });
  });

  it('takes a receipt without a reference (sent from Notify’s own pages) and fields added later', () => {
    expect(parseNotifyReceipt(receipt({ reference: null, cost_in_pounds: 0.0227 }))).toMatchObject({
      reference: null,
    });
  });

  it('says null for anything that is not a receipt of a text or an email', () => {
    const notReceipts: unknown[] = [
      null,
      'delivered',
      [],
      {},
      receipt({ id: 'not-a-uuid' }),
      receipt({ id: undefined }),
      receipt({ to: undefined }),
      receipt({ status: 42 }),
      receipt({ status: 'returned-letter' }),
      receipt({ status: 'cancelled' }),
      receipt({ notification_type: 'letter' }),
      receipt({ reference: 7 }),
    ];
    for (const body of notReceipts) expect(parseNotifyReceipt(body), JSON.stringify(body)).toBeNull();
  });
});
