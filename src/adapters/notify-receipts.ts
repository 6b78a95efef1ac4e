// GOV.UK Notify's delivery receipts: when a callback URL is set up in Notify (API integration → Callbacks),
// Notify POSTs a JSON body for every text or email that reaches a final state, or changes state, with
// `Authorization: Bearer <the callback token set there>` (an `inbound` API token of this service):
//   { "id": "<notification id>", "reference": "<our reference>" | null, "to": "+447700900123",
//     "status": "delivered" | "permanent-failure" | "temporary-failure" | "technical-failure" | "sent" …,
//     "created_at": "2017-05-14T12:15:30.000000Z", "completed_at": … | null, "sent_at": … | null,
//     "notification_type": "sms" | "email", "template_id": "<uuid>", "template_version": 1 }
// (app/celery/service_callback_tasks.py in alphagov/notifications-api.) Pure functions: the route that
// receives them (POST /api/v1/notify/receipts) authenticates the token and records what they say. Bounces of mail
// sent through Notify (MAIL_PROVIDER=notify) arrive this way too, as `permanent-failure` of an email.
import { z } from 'zod';
import { uuid } from '../lib/notify-key.js';
import type { SmsReceipt } from '../ports/sms.js';
import { notifyStatus, notifyTime } from './notify-client.js';

const receiptSchema = z.looseObject({
  id: z.string().regex(uuid),
  reference: z.string().max(1000).nullable().optional(),
  to: z.string().min(1).max(320),
  status: z.string().min(1).max(40),
  created_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
  sent_at: z.string().nullable().optional(),
  notification_type: z.enum(['sms', 'email']),
  template_id: z.string().optional(),
  template_version: z.number().optional(),
});

export type NotifyReceipt = SmsReceipt & { type: 'sms' | 'email'; to: string };

/** A Notify delivery receipt, or null for a body that is not one (or names a status we do not know). */
export function parseNotifyReceipt(body: unknown): NotifyReceipt | null {
  const parsed = receiptSchema.safeParse(body);
  if (!parsed.success) return null;
  const r = parsed.data;
  const status = notifyStatus(r.status);
  if (!status) return null;
  return {
    providerId: r.id.toLowerCase(),
    reference: r.reference ?? null,
    status,
    providerStatus: r.status,
    completedAt: notifyTime(r.completed_at),
    type: r.notification_type,
    to: r.to,
  };
}
