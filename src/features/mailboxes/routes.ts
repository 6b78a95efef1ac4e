// The mailbox API: registration (open to anyone, rate limited), reading within scope, admin review,
// resend and retire.

import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { mailboxStates } from '../../domain/mailbox-states.js';
import { anonymousPrincipal } from '../../domain/principal.js';
import { AppError } from '../../errors.js';
import { inBackground } from '../../lib/background.js';
import { bearer, createRouter, json, listOf, PageQuery, pick } from '../../openapi.js';
import { canSeeAuthority } from '../auth/scope.js';
import { requireAuthority } from '../authority-register/get-authority.js';
import { listMailboxes } from './list-mailboxes.js';
import { changeMailboxContact, getMailbox, resendConfirmation, retireMailbox } from './manage-mailbox.js';
import { acceptAnonymousRegistration, registerMailbox } from './register-mailbox.js';
import { approveMailbox, refuseMailbox } from './review-mailbox.js';
import { MailboxContact, MailboxRegistration, MailboxSchema } from './schemas.js';

const Id = z.object({ id: z.string().min(1).max(64) });
const History = z.array(
  z.object({
    at: z.string(),
    action: z.string(),
    actor: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  }),
);
const MailboxWithHistory = MailboxSchema.extend({ history: History }).openapi('MailboxWithHistory');
const Accepted = z
  .object({
    id: z.string().optional().openapi({ description: 'The mailbox id, for a signed-in caller' }),
    state: z.enum(mailboxStates),
    message: z.string(),
    warnings: z.array(z.string()),
    // A union, not MailboxSchema.nullable().openapi(…): that re-registered the shared Mailbox schema as
    // nullable, so every list of mailboxes was documented as possibly holding nulls.
    mailbox: z.union([MailboxSchema, z.null()]).openapi({
      description: 'The mailbox, for a signed-in caller; null otherwise',
    }),
  })
  .openapi('RegistrationAccepted');
const StateList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const states = v.split(',').map((s) => s.trim());
    const bad = states.filter((s) => !(mailboxStates as readonly string[]).includes(s));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `Unknown state: ${bad.join(', ')}` });
      return z.NEVER;
    }
    return states as Array<(typeof mailboxStates)[number]>;
  })
  .openapi({ type: 'string', description: `Comma-separated: ${mailboxStates.join(', ')}` });

/** What someone not signed in is told: the same whether or not the address was registered already. */
export const anonymousRegistrationMessages = {
  pending:
    'If this address can be registered, a confirmation link is on its way to it. The mailbox starts receiving advisories once someone follows the link.',
  'awaiting-approval':
    'The address is not on one of the council’s known domains, so an administrator will review the registration. Nothing is sent to the address until then.',
} as const;

const registrationMessages = {
  pending:
    'We have sent a confirmation link to the mailbox. It starts receiving advisories once someone follows it.',
  'awaiting-approval':
    'The address is not on one of the council’s known domains, so an administrator will review it. Nothing is sent to it until then.',
  'awaiting-handover':
    'The mailbox is confirmed by its link and takes over from the council’s current primary once that primary agrees, an administrator approves, or nobody objects in time.',
  confirmed: 'The mailbox is confirmed.',
  retired: '',
  refused: '',
} as const;

export function mailboxRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mailboxes',
      operationId: 'registerMailbox',
      security: [],
      tags: ['Mailboxes'],
      summary: 'Register a council’s mailbox; a confirmation link is sent to it (202)',
      description:
        'Open to anyone. Callers who are not signed in are limited per client address and get the same answer, as fast, whether or not the address was already registered (the registration is written and its mail sent afterwards; the answer never claims a send); signed-in councils are limited per caller, admins not at all, and no one is limited by anyone else’s requests. Mail to an address is limited per hour. When the address is not on one of the council’s domains the registration waits for an administrator.',
      request: { body: { content: { 'application/json': { schema: MailboxRegistration } }, required: true } },
      responses: { 202: json(Accepted, 'Registration accepted'), ...pick(403, 409, 413, 415, 422, 429) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const deps = c.var.deps;
      const principal = c.var.principal ?? anonymousPrincipal(c.var.clientIp);
      const actor = { principal, requestId: c.var.requestId, ip: c.var.clientIp };
      if (principal.via === 'anonymous') {
        const { answer, work } = await acceptAnonymousRegistration(deps, actor, input);
        inBackground(c, deps.db, deps.log, 'registration', work());
        return c.json(
          {
            state: answer.state,
            message: anonymousRegistrationMessages[answer.state],
            warnings: answer.warnings,
            mailbox: null,
          },
          202,
        );
      }
      const result = await registerMailbox(deps, actor, input);
      return c.json(
        {
          id: result.id,
          state: result.state,
          message: registrationMessages[result.state],
          warnings: result.warnings,
          mailbox: c.var.principal ? result.mailbox : null,
        },
        202,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/mailboxes',
      operationId: 'listMailboxes',
      tags: ['Mailboxes'],
      summary: 'List mailboxes within your scope (admins: all; WARPs: members; councils: their own)',
      security: bearer,
      request: {
        query: PageQuery.extend({
          authority: authorityCodeSchema().optional(),
          state: StateList,
          kind: z.enum(['primary', 'secondary', 'out-of-hours']).optional(),
        }),
      },
      responses: { 200: json(listOf(MailboxSchema, 'MailboxList'), 'Mailboxes'), ...pick(401, 403, 422) },
    }),
    async (c) => c.json(await listMailboxes(c.var.deps, requirePrincipal(c), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/authorities/{code}/mailboxes',
      operationId: 'listAuthorityMailboxes',
      tags: ['Mailboxes'],
      summary: 'An authority’s mailboxes with their state',
      security: bearer,
      request: {
        params: z.object({ code: authorityCodeSchema() }),
        query: PageQuery.extend({ state: StateList }),
      },
      responses: {
        200: json(listOf(MailboxSchema, 'AuthorityMailboxList'), 'Mailboxes'),
        ...pick(401, 403, 404, 422),
      },
    }),
    async (c) => {
      const code = c.req.valid('param').code.toUpperCase();
      const principal = requirePrincipal(c);
      await requireAuthority(c.var.deps, code);
      if (!(await canSeeAuthority(c.var.deps.db, principal, code)))
        throw new AppError('forbidden', 'You can only see the mailboxes of councils in your scope.');
      return c.json(
        await listMailboxes(c.var.deps, principal, { ...c.req.valid('query'), authority: code }),
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/mailboxes/{id}',
      operationId: 'getMailbox',
      tags: ['Mailboxes'],
      summary: 'One mailbox with its history',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(MailboxWithHistory, 'The mailbox'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await getMailbox(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mailboxes/{id}/approve',
      operationId: 'approveMailbox',
      tags: ['Mailboxes'],
      summary:
        'Approve a registration on an unknown domain (its confirmation link then goes out), or a new primary awaiting handover (it takes over now)',
      security: bearer,
      request: {
        params: Id,
        body: {
          content: {
            'application/json': {
              schema: z.object({ note: z.string().trim().max(500).optional() }).strict(),
            },
          },
          required: false,
        },
      },
      responses: {
        200: json(z.object({ mailbox: MailboxSchema, confirmationSent: z.boolean() }), 'Approved'),
        ...pick(401, 403, 404, 409, 422),
      },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      return c.json(await approveMailbox(c.var.deps, actorOf(c), c.req.valid('param').id, body?.note), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mailboxes/{id}/refuse',
      operationId: 'refuseMailbox',
      tags: ['Mailboxes'],
      summary:
        'Refuse a registration on an unknown domain, or a new primary awaiting handover; nothing is ever sent to it',
      security: bearer,
      request: {
        params: Id,
        body: {
          content: {
            'application/json': {
              schema: z.object({ reason: z.string().trim().min(1, 'Give a reason').max(500) }).strict(),
            },
          },
          required: true,
        },
      },
      responses: {
        200: json(z.object({ mailbox: MailboxSchema }), 'Refused'),
        ...pick(401, 403, 404, 409, 422),
      },
    }),
    async (c) =>
      c.json(
        await refuseMailbox(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json').reason),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mailboxes/{id}/resend',
      operationId: 'resendMailboxConfirmation',
      tags: ['Mailboxes'],
      summary: 'Send a pending mailbox a new confirmation link',
      security: bearer,
      request: { params: Id },
      responses: {
        200: json(z.object({ mailbox: MailboxSchema, confirmationSent: z.boolean() }), 'Sent'),
        ...pick(401, 403, 404, 409, 429),
      },
    }),
    async (c) => c.json(await resendConfirmation(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/mailboxes/{id}',
      operationId: 'retireMailbox',
      tags: ['Mailboxes'],
      summary: 'Retire a mailbox (a council cannot retire its confirmed primary: it registers a replacement)',
      security: bearer,
      request: {
        params: Id,
        query: z.object({ reason: z.string().trim().min(1).max(500).default('removed') }),
      },
      responses: { 200: json(MailboxSchema, 'Retired'), ...pick(401, 403, 404, 409) },
    }),
    async (c) =>
      c.json(
        await retireMailbox(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('query').reason),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/mailboxes/{id}',
      operationId: 'updateMailbox',
      tags: ['Mailboxes'],
      summary: 'Change the team name and phone number of a mailbox in use',
      description:
        'Its council, or staff in scope. The address and kind do not change (register a new mailbox instead). Audited as `mailbox.edit`.',
      security: bearer,
      request: {
        params: Id,
        body: { content: { 'application/json': { schema: MailboxContact } }, required: true },
      },
      responses: { 200: json(MailboxSchema, 'Changed'), ...pick(401, 403, 404, 409, 415, 422) },
    }),
    async (c) =>
      c.json(
        await changeMailboxContact(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  );

  return router;
}
