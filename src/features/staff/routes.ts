// The staff API (admin): list, add (or enable again) and disable the staff who sign in by magic link.

import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../actor.js';
import { bearer, createRouter, json, listOf, pick } from '../../openapi.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { addStaff, disableStaff, listStaff, sendStaffInvitation, staffRoles } from './members.js';

const Staff = z
  .object({
    address: z.string().openapi({ example: 'duty-officer@ncsc.gov.uk' }),
    name: z.string().openapi({ example: 'NCSC duty officer' }),
    role: z.enum(staffRoles),
    warp: z.string().nullable().openapi({ description: 'The WARP a WARP operator is scoped to' }),
    createdBy: z.string(),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .openapi('StaffMember');

const NewStaff = z
  .object({
    address: z.string().min(3).max(254).openapi({ example: 'operators@wales-warp.gov.uk' }),
    name: z.string().trim().min(1).max(200).openapi({ example: 'Wales WARP duty desk' }),
    role: z.enum(staffRoles),
    warp: z.string().min(1).max(100).optional().openapi({ example: 'wales' }),
  })
  .strict()
  .openapi('NewStaffMember');

export function staffRoutes() {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/staff',
      operationId: 'listStaff',
      tags: ['Access'],
      summary: 'List the staff who sign in by magic link (admin)',
      security: bearer,
      request: { query: z.object({ includeDisabled: z.enum(['true', 'false']).optional() }) },
      responses: { 200: json(listOf(Staff, 'StaffList'), 'Staff members'), ...pick(401, 403, 422) },
    }),
    async (c) => {
      const items = await listStaff(c.var.deps, {
        includeDisabled: c.req.valid('query').includeDisabled === 'true',
      });
      return c.json({ items, total: items.length, limit: items.length, offset: 0 }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/staff',
      operationId: 'addStaff',
      tags: ['Access'],
      summary: 'Add a staff member, or enable a disabled one again (admin)',
      description:
        'They can then ask for a sign-in link on the sign-in page. Answers 201 for a new member, 200 when a disabled one is enabled again; 409 when the address is already an enabled member. Audited as `staff.add` / `staff.enable`.',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: NewStaff } }, required: true } },
      responses: {
        201: json(Staff, 'Added'),
        200: json(Staff, 'Enabled again'),
        ...pick(401, 403, 409, 422),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      // Adding someone means telling them how to sign in: not while mail cannot be sent.
      assertMailAvailable(c.var.deps);
      const { staff, created } = await addStaff(c.var.deps, actorOf(c), {
        address: body.address,
        name: body.name,
        role: body.role,
        warpId: body.warp,
      });
      // Once added (never before): they are told how to sign in.
      await sendStaffInvitation(c.var.deps, staff);
      return created ? c.json(staff, 201) : c.json(staff, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/staff/{address}',
      operationId: 'removeStaff',
      tags: ['Access'],
      summary: 'Disable a staff member and end their sessions (admin)',
      description: 'Audited as `staff.disable`. Disabling a disabled member changes nothing.',
      security: bearer,
      request: { params: z.object({ address: z.string().min(3).max(254) }) },
      responses: { 200: json(Staff, 'The disabled member'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await disableStaff(c.var.deps, actorOf(c), c.req.valid('param').address), 200),
  );

  return router;
}
