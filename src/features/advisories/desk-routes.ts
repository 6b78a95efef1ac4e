// The advisory desk's API, what the pages use while sending: one view of the deliveries at a time (still
// trying, delivered, failed, acknowledged, not acknowledged) with counts, search and paging; the e-mail as
// recipients will see it; and "send a test to me".
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { deliveryStatuses } from '../../domain/advisory-states.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { previewAdvisoryEmail, sendTestToMe } from './advisory-email.js';
import { deliveryViews, listDeliveries } from './delivery-list.js';

const tags = ['Advisories'];
const Id = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: 'Advisory id', example: '01jd8x3v5m2k9q7r4t6w8y0z1a' }),
});

/** The view and search of the deliveries (the list and its CSV take the same). */
export const DeliveryQuery = z.object({
  view: z.enum(deliveryViews).default('all').openapi({
    description:
      '`trying`: not sent yet, or failed for now with another attempt due; `failed`: refused for good, or out of attempts; `not-acknowledged`: delivered and not acknowledged',
  }),
  q: z
    .string()
    .max(200)
    .default('')
    .openapi({ description: 'Part of a council’s name, its register code, or part of the address' }),
});

const Counts = z
  .object(
    Object.fromEntries(deliveryViews.map((v) => [v, z.number().int()])) as Record<
      (typeof deliveryViews)[number],
      z.ZodNumber
    >,
  )
  .openapi('DeliveryViewCounts');

const isoOrNull = z.string().nullable();

const DeliveryListSchema = z
  .object({
    advisory: z.object({ id: z.string(), reference: z.string(), state: z.string() }),
    view: z.enum(deliveryViews),
    search: z.string(),
    counts: Counts,
    nextAttemptAt: isoOrNull.openapi({
      description: 'The earliest next attempt of a delivery still being tried',
    }),
    lastFinishedAt: isoOrNull.openapi({ description: 'When the most recent delivery finished' }),
    councils: z.number().int(),
    councilsAcknowledged: z.number().int(),
    total: z.number().int().openapi({ description: 'Rows matching the view and the search' }),
    limit: z.number().int(),
    offset: z.number().int(),
    items: z.array(
      z
        .object({
          authority: z.string().nullable(),
          authorityName: z.string().nullable(),
          onBehalfOfName: z.string().nullable(),
          onBehalfOf: z.string().nullable().openapi({
            description:
              'The successor council this copy went for, through this predecessor’s mailbox still offered to it (a reorganisation)',
          }),
          mailbox: z.string(),
          mailboxKind: z.string(),
          status: z.enum(deliveryStatuses),
          nextAttemptAt: isoOrNull,
          attempts: z.number().int(),
          resends: z.number().int(),
          reason: z.string().openapi({ example: 'The mailbox does not exist' }),
          reply: z.string().nullable().openapi({ description: 'The last SMTP reply, as the server gave it' }),
          deliveredAt: isoOrNull,
          failedAt: isoOrNull,
          acknowledgedAt: isoOrNull,
          acknowledgedBy: z.string().nullable(),
        })
        .openapi('DeliveryListItem'),
    ),
  })
  .openapi('DeliveryList');

const EmailSchema = z
  .object({
    from: z.string(),
    subject: z.string(),
    recipientLabel: z.string(),
    text: z.string(),
    html: z.string(),
  })
  .openapi('AdvisoryEmail');

export function advisoryDeskRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/deliveries',
      operationId: 'listAdvisoryDeliveries',
      tags,
      summary: 'One view of the deliveries, failures first, with counts per view, search and paging',
      description:
        'Within the caller’s scope, as the report: admins every row; a WARP operator its members’ rows of an NCSC advisory; a council its own.',
      security: bearer,
      request: {
        params: Id,
        query: DeliveryQuery.extend({
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce
            .number()
            .int()
            .min(0)
            .default(0)
            .openapi({ type: 'integer', minimum: 0, default: 0 }),
        }),
      },
      responses: { 200: json(DeliveryListSchema, 'The deliveries'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => {
      const { view, q, limit, offset } = c.req.valid('query');
      c.header('cache-control', 'no-store');
      return c.json(
        await listDeliveries(c.var.deps, requirePrincipal(c), c.req.valid('param').id, {
          view,
          search: q,
          limit,
          offset,
        }),
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/advisories/{id}/email',
      operationId: 'getAdvisoryEmail',
      tags,
      summary: 'The e-mail as recipients will see it (subject, sender, HTML and text)',
      description: 'For the advisory’s author (an admin, or its WARP’s operators); 404 for anyone else.',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(EmailSchema, 'The e-mail'), ...pick(401, 403, 404) },
    }),
    async (c) => {
      c.header('cache-control', 'no-store');
      return c.json(
        await previewAdvisoryEmail(c.var.deps, requirePrincipal(c), c.req.valid('param').id),
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/advisories/{id}/test',
      operationId: 'sendAdvisoryTest',
      tags,
      summary: 'Send a test to me: one copy, marked TEST, to the caller’s own staff address',
      description:
        'For the advisory’s author, in any state and for any TLP label: it goes only to the staff member behind the session or token (409 when there is none). At most 10 an hour per person (429). Audited as `advisory.test-sent`.',
      security: bearer,
      request: { params: Id },
      responses: {
        202: json(
          z.object({ to: z.string(), messageId: z.string() }).openapi('TestSent'),
          'Queued for sending',
        ),
        ...pick(401, 403, 404, 409, 429),
      },
    }),
    async (c) => c.json(await sendTestToMe(c.var.deps, actorOf(c), c.req.valid('param').id), 202),
  );

  return router;
}
