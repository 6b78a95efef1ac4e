// Tokens (admin), the caller's own identity, and the audit log.

import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { bearer, createRouter, json, listOf, PageQuery, pick } from '../../openapi.js';
import { listAudit } from '../audit/list.js';
import { createToken, listTokens, revokeToken, tokenRoles } from './tokens.js';

const Token = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(tokenRoles),
    warp: z.string().nullable(),
    authority: z.string().nullable(),
    createdBy: z.string(),
    owner: z.string().nullable().openapi({
      description:
        'The person the key belongs to (`staff:<address>`, `mailbox:<id>` or `token:<id>`); null for a key made at the command line, which is its own person',
    }),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token');

const NewToken = z
  .object({
    role: z.enum(tokenRoles),
    name: z.string().trim().min(1).max(200),
    warp: z.string().min(1).max(100).optional(),
    authority: authorityCodeSchema().optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .openapi('NewToken');

const Me = z
  .object({
    actor: z.string(),
    label: z.string(),
    role: z.string(),
    warp: z.string().nullable(),
    authority: z.string().nullable(),
    via: z.string(),
  })
  .openapi('Me');

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    actorRole: z.string(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
  })
  .openapi('AuditEntry');

export function authRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      tags: ['Access'],
      summary: 'Who the caller is: role and scope',
      security: bearer,
      responses: { 200: json(Me, 'The caller'), ...pick(401) },
    }),
    (c) => {
      const p = requirePrincipal(c);
      return c.json(
        {
          actor: p.actor,
          label: p.label,
          role: p.role,
          warp: p.warpId,
          authority: p.authorityCode,
          via: p.via,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/tokens',
      operationId: 'listTokens',
      tags: ['Access'],
      summary: 'List API tokens (never their secrets)',
      security: bearer,
      request: { query: z.object({ includeRevoked: z.enum(['true', 'false']).optional() }) },
      responses: { 200: json(listOf(Token, 'TokenList'), 'Tokens'), ...pick(401, 403, 422) },
    }),
    async (c) => {
      const items = await listTokens(c.var.deps, {
        includeRevoked: c.req.valid('query').includeRevoked === 'true',
      });
      return c.json({ items, total: items.length, limit: items.length, offset: 0 }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/tokens',
      operationId: 'createToken',
      tags: ['Access'],
      summary: 'Create an API token; the secret is shown in this answer only',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: NewToken } }, required: true } },
      responses: {
        201: json(Token.extend({ token: z.string() }).openapi('CreatedToken'), 'The token and its secret'),
        ...pick(401, 403, 422),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const created = await createToken(c.var.deps, actorOf(c), {
        role: body.role,
        name: body.name,
        warpId: body.warp,
        authorityCode: body.authority,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      });
      return c.json(created, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/tokens/{id}',
      operationId: 'revokeToken',
      tags: ['Access'],
      summary: 'Revoke an API token',
      security: bearer,
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: json(Token, 'The revoked token'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await revokeToken(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/audit',
      operationId: 'listAuditEvents',
      tags: ['Access'],
      summary: 'The audit log, newest first (WARP operators: their members only)',
      security: bearer,
      request: {
        query: PageQuery.extend({
          subjectType: z.string().max(50).optional(),
          subjectId: z.string().max(200).optional(),
          action: z.string().max(100).optional(),
          actor: z.string().max(200).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
      },
      responses: { 200: json(listOf(AuditEntry, 'AuditList'), 'Audit entries'), ...pick(401, 403, 422) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const result = await listAudit(c.var.deps, requirePrincipal(c), {
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
      return c.json(result, 200);
    },
  );

  return router;
}
