// The WARPs API: list and read (any signed-in role); create, rename, delete and move members (admin).
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../actor.js';
import { bearer, createRouter, json, listOf, PageQuery, pick } from '../../openapi.js';
import { moveWarpMembers } from './warp-members.js';
import { createWarp, deleteWarp, getWarp, listWarps, renameWarp, warpIdPattern } from './warps.js';

const IdParam = z.object({
  id: z.string().min(1).max(100).openapi({ description: 'WARP id (a slug)', example: 'wales' }),
});

const WarpName = z.string().trim().min(1).max(200).openapi({ example: 'Wales WARP' });

const Warp = z
  .object({
    id: z.string().openapi({ example: 'wales' }),
    name: z.string().openapi({ example: 'Wales WARP' }),
    region: z.string().nullable().openapi({
      description: 'The nation/region a default WARP was drawn from; null for a WARP made by hand',
    }),
    currentMembers: z.number().int().openapi({ description: 'Members that are current authorities' }),
    totalMembers: z.number().int().openapi({ description: 'All members, former authorities included' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Warp');

const WarpMember = z
  .object({ code: z.string(), name: z.string(), status: z.enum(['current', 'upcoming', 'former']) })
  .openapi('WarpMember');

const WarpDetail = Warp.extend({ members: z.array(WarpMember) }).openapi('WarpDetail');

const NewWarp = z
  .object({
    id: z
      .string()
      .regex(warpIdPattern, 'A lower-case slug: letters, digits and hyphens, at most 64 characters.')
      .optional()
      .openapi({ description: 'Defaults to a slug of the name', example: 'south-wales' }),
    name: WarpName,
  })
  .strict()
  .openapi('NewWarp');

const WarpRename = z.object({ name: WarpName }).strict().openapi('WarpRename');

const WarpMove = z
  .object({
    authorities: z
      .array(z.string().trim().min(1).max(20))
      .min(1)
      .max(1000)
      .openapi({ description: 'Register codes, any case', example: ['CRF', 'NWP'] }),
  })
  .strict()
  .openapi('WarpMove');

const WarpMoveResult = z
  .object({
    warp: z.string(),
    moved: z
      .array(z.object({ code: z.string(), from: z.string().nullable() }))
      .openapi({ description: 'Authorities that changed WARP, with the WARP each left' }),
    unchanged: z.array(z.string()).openapi({ description: 'Codes already in this WARP' }),
  })
  .openapi('WarpMoveResult');

export function warpRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/warps',
      operationId: 'listWarps',
      tags: ['WARPs'],
      summary: 'List WARPs, by name, with member counts',
      security: bearer,
      request: { query: PageQuery },
      responses: { 200: json(listOf(Warp, 'WarpList'), 'A page of WARPs'), ...pick(401, 403, 422) },
    }),
    async (c) => c.json(await listWarps(c.var.deps, c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/warps/{id}',
      operationId: 'getWarp',
      tags: ['WARPs'],
      summary: 'One WARP with its members (current and former)',
      security: bearer,
      request: { params: IdParam },
      responses: { 200: json(WarpDetail, 'The WARP'), ...pick(401, 403, 404, 422) },
    }),
    async (c) => c.json(await getWarp(c.var.deps, c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/warps',
      operationId: 'createWarp',
      tags: ['WARPs'],
      summary: 'Create a WARP (admin)',
      description: 'Audited as `warp.create`. An id already in use is a 409.',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: NewWarp } }, required: true } },
      responses: { 201: json(Warp, 'The new WARP'), ...pick(401, 403, 409, 422) },
    }),
    async (c) => c.json(await createWarp(c.var.deps, actorOf(c), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/warps/{id}',
      operationId: 'renameWarp',
      tags: ['WARPs'],
      summary: 'Rename a WARP (admin)',
      description: 'Audited as `warp.rename`; the id never changes.',
      security: bearer,
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: WarpRename } }, required: true },
      },
      responses: { 200: json(WarpDetail, 'The renamed WARP'), ...pick(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(await renameWarp(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/warps/{id}',
      operationId: 'deleteWarp',
      tags: ['WARPs'],
      summary: 'Delete a WARP that has no members (admin)',
      description:
        'Refused with 409 while any authority (current or former) is a member: move them first. Audited as `warp.delete`.',
      security: bearer,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...pick(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      await deleteWarp(c.var.deps, actorOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/warps/{id}/members',
      operationId: 'addWarpMembers',
      tags: ['WARPs'],
      summary: 'Move authorities into a WARP (admin)',
      description:
        'All or nothing: any unknown code is a 422 that lists them (`unknown`), and nothing moves. Authorities already in the WARP are reported as unchanged. One audit entry (`warp.member-move`) per authority moved.',
      security: bearer,
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: WarpMove } }, required: true },
      },
      responses: { 200: json(WarpMoveResult, 'What moved'), ...pick(401, 403, 404, 422) },
    }),
    async (c) =>
      c.json(
        await moveWarpMembers(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  );

  return router;
}
