// The outbound queue's API (admins): what it holds lane by lane, held work and whether sending is paused;
// and resuming sending paused after a failure of our own, once it is fixed.
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../actor.js';
import { mailLanes } from '../../domain/outbound.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { wakeSender } from './queue-mail.js';
import { queueSummary } from './queue-summary.js';
import { resumeByAdmin } from './sender-state.js';

const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const PauseSchema = z
  .object({
    since: z.string().nullable(),
    reason: z.string(),
    command: z
      .string()
      .nullable()
      .openapi({ description: 'The SMTP stage that failed (`MAIL FROM`, `CONN` …)' }),
    nextProbeAt: z.string().nullable().openapi({ description: 'When one queued message is sent as a probe' }),
    probes: z.number().int(),
  })
  .openapi('MailPause');

const QueueSchema = z
  .object({
    lanes: z.array(
      z.object({
        lane: z.enum(mailLanes),
        due: z.number().int().openapi({ description: 'Due now: new, or a retry whose time has come' }),
        waiting: z.number().int().openapi({ description: 'Waiting for a retry later' }),
        nextAt: z.string().nullable(),
        held: z.number().int().openapi({ description: 'Being sent by a worker whose lease holds' }),
        heldUntil: z.string().nullable().openapi({ description: 'When the first of those leases runs out' }),
        abandoned: z
          .number()
          .int()
          .openapi({ description: 'Claimed by a worker that stopped: due again, and may have been sent' }),
      }),
    ),
    // not PauseSchema.nullable(): that documents the MailPause schema itself as nullable
    paused: z.union([PauseSchema, z.null()]).openapi({ description: 'Set while sending is paused' }),
  })
  .openapi('MailQueue');

export function outboundRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/mail',
      operationId: 'getMailQueue',
      tags: ['Mail'],
      summary: 'The outbound queue: due, waiting and held mail in each lane, and whether sending is paused',
      description:
        'Every e-mail the service sends waits here: lanes `urgent` (sign-in and confirmation links), `advisories` (deliveries and escalations), `notices`, `bulk` (re-confirmations, spread out). Admins only.',
      security: bearer,
      responses: { 200: json(QueueSchema, 'The queue now'), ...pick(401, 403) },
    }),
    async (c) => {
      const summary = await queueSummary(c.var.deps);
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          lanes: summary.lanes.map((l) => ({ ...l, nextAt: at(l.nextAt), heldUntil: at(l.heldUntil) })),
          paused: summary.paused,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mail/resume',
      operationId: 'resumeMail',
      tags: ['Mail'],
      summary: 'Resume sending paused after a failure of our own (once the cause is fixed)',
      description:
        'Mail and deliveries kept back after the failure are due again at once. If the cause is not fixed, the next send pauses again. Audited as `mail.resume`. 409 when sending is not paused.',
      security: bearer,
      responses: {
        200: json(z.object({ state: z.literal('sending') }), 'Resumed'),
        ...pick(401, 403, 409),
      },
    }),
    async (c) => {
      await resumeByAdmin(c.var.deps, actorOf(c));
      await wakeSender(c.var.deps, 'urgent');
      return c.json({ state: 'sending' as const }, 200);
    },
  );

  return router;
}
