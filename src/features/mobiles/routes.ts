// The out-of-hours mobiles API: a council's second contact path, by SMS.
import { createRoute, z } from '@hono/zod-openapi';
import { actorOf, requirePrincipal } from '../../actor.js';
import { authorityCodeSchema } from '../../domain/authority-code.js';
import { ukMobileExample } from '../../domain/mobile-number.js';
import { bearer, createRouter, json, pick } from '../../openapi.js';
import { requireAuthority } from '../authority-register/get-authority.js';
import {
  addMobile,
  confirmMobile,
  getMobile,
  listMobiles,
  retireMobile,
  sendNewCode,
} from './manage-mobiles.js';
import { MobileSchema } from './view.js';

const Id = z.object({ id: z.string().min(1).max(64) });
const Code = z.object({ code: authorityCodeSchema() });

export const NewMobileInput = z
  .object({
    number: z
      .string()
      .trim()
      .min(1, 'Enter a UK mobile number')
      .max(40)
      .openapi({ example: ukMobileExample }),
    label: z
      .string()
      .trim()
      .min(1, 'Say whose phone it is, as a role (for example "Out-of-hours duty officer")')
      .max(100)
      .openapi({ example: 'Out-of-hours duty officer' }),
  })
  .strict()
  .openapi('NewMobileNumber');

export const CodeInput = z
  .object({ code: z.string().trim().min(1, 'Enter the 6-digit code').max(20).openapi({ example: '123456' }) })
  .strict()
  .openapi('MobileCode');

export function mobileRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/authorities/{code}/mobiles',
      operationId: 'listAuthorityMobiles',
      tags: ['Mobiles'],
      summary: 'An authority’s out-of-hours mobile numbers (masked for WARP operators)',
      security: bearer,
      request: { params: Code, query: z.object({ retired: z.enum(['true', 'false']).optional() }) },
      responses: { 200: json(z.object({ items: z.array(MobileSchema) }), 'Numbers'), ...pick(401, 403, 404) },
    }),
    async (c) => {
      const code = c.req.valid('param').code.toUpperCase();
      await requireAuthority(c.var.deps, code);
      const items = await listMobiles(c.var.deps, requirePrincipal(c), code, {
        includeRetired: c.req.valid('query').retired === 'true',
      });
      return c.json({ items }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/authorities/{code}/mobiles',
      operationId: 'addAuthorityMobile',
      tags: ['Mobiles'],
      summary: 'Add an out-of-hours mobile: a 6-digit code is texted to it (201)',
      description:
        'The council itself (or an admin). UK mobiles only; at most three live numbers per council. Texting a code is limited per number and per caller. The number receives nothing else until the code is typed back (`POST /api/v1/mobiles/{id}/confirm`).',
      security: bearer,
      request: {
        params: Code,
        body: { content: { 'application/json': { schema: NewMobileInput } }, required: true },
      },
      responses: {
        201: json(MobileSchema, 'Added; the code is on its way'),
        ...pick(401, 403, 404, 409, 422, 429),
      },
    }),
    async (c) => {
      const code = c.req.valid('param').code.toUpperCase();
      return c.json(await addMobile(c.var.deps, actorOf(c), code, c.req.valid('json')), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/mobiles/{id}',
      operationId: 'getMobile',
      tags: ['Mobiles'],
      summary: 'One out-of-hours mobile number',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(MobileSchema, 'The number'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await getMobile(c.var.deps, requirePrincipal(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mobiles/{id}/confirm',
      operationId: 'confirmMobile',
      tags: ['Mobiles'],
      summary: 'Confirm a number with the code texted to it',
      description:
        'Five wrong codes lock it until a new code is sent; a code lives MOBILE_CODE_MINUTES. 422 for a wrong code (with the tries left), 409 when expired or locked.',
      security: bearer,
      request: {
        params: Id,
        body: { content: { 'application/json': { schema: CodeInput } }, required: true },
      },
      responses: {
        200: json(z.object({ state: z.literal('confirmed'), mobile: MobileSchema }), 'Confirmed'),
        ...pick(401, 403, 404, 409, 422),
      },
    }),
    async (c) =>
      c.json(
        await confirmMobile(c.var.deps, actorOf(c), c.req.valid('param').id, c.req.valid('json').code),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/mobiles/{id}/code',
      operationId: 'sendMobileCode',
      tags: ['Mobiles'],
      summary: 'Text a pending number a new code (the old one stops working)',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(MobileSchema, 'Sent'), ...pick(401, 403, 404, 409, 429) },
    }),
    async (c) => c.json(await sendNewCode(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/mobiles/{id}',
      operationId: 'removeMobile',
      tags: ['Mobiles'],
      summary: 'Remove an out-of-hours mobile (it is never texted again)',
      security: bearer,
      request: { params: Id },
      responses: { 200: json(MobileSchema, 'Removed'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => c.json(await retireMobile(c.var.deps, actorOf(c), c.req.valid('param').id), 200),
  );

  return router;
}
