// The staff API (admin): list, add (or enable again), change the role of, disable and enable the staff who
// sign in by magic link. The team page (src/web/pages/team-routes.tsx) does the same through the same code.

import { createRoute, z } from '@hono/zod-openapi';
import { actorOf } from '../../actor.js';
import { bearer, createRouter, json, listOf, pick } from '../../openapi.js';
import { assertMailAvailable } from '../outbound/mail-available.js';
import { addStaff, sendStaffInvitation, staffRoles } from './members.js';
import { listTeam } from './team.js';
import { changeStaffRole, disableStaff, enableStaffMember } from './transitions.js';

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

const TeamMember = Staff.extend({
  lastSignInAt: z
    .string()
    .nullable()
    .openapi({ description: 'When they last started a session; null: never' }),
  passkeys: z.number().int().openapi({ description: 'How many passkeys they can sign in with' }),
}).openapi('TeamMember');

const StaffChange = z
  .object({
    staff: Staff,
    keysRevoked: z.number().int().openapi({ description: 'How many API keys they owned the change revoked' }),
  })
  .openapi('StaffChange');

const NewRole = z
  .object({
    role: z.enum(staffRoles),
    warp: z.string().min(1).max(100).optional().openapi({ example: 'wales' }),
  })
  .strict()
  .openapi('StaffRole', { example: { role: 'warp', warp: 'wales' } });

const AddressParam = z.object({ address: z.string().min(3).max(254) });

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
      responses: { 200: json(listOf(TeamMember, 'StaffList'), 'Staff members'), ...pick(401, 403, 422) },
    }),
    async (c) => {
      const includeDisabled = c.req.valid('query').includeDisabled === 'true';
      const items = (await listTeam(c.var.deps)).filter((m) => includeDisabled || !m.disabledAt);
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
      summary: 'Disable a staff member, end their sessions and revoke their API keys (admin)',
      description:
        'Audited as `staff.disable`. Disabling a disabled member changes nothing. The only enabled admin cannot disable themselves (409).',
      security: bearer,
      request: { params: z.object({ address: z.string().min(3).max(254) }) },
      responses: { 200: json(Staff, 'The disabled member'), ...pick(401, 403, 404) },
    }),
    async (c) => c.json(await disableStaff(c.var.deps, actorOf(c), c.req.valid('param').address), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/staff/{address}',
      tags: ['Access'],
      operationId: 'changeStaffRole',
      summary: 'Change the role (and WARP) of an enabled staff member (admin)',
      description:
        'Their sessions end; the API keys they own that the new role could not make are revoked. Audited as `staff.change-role`. The only enabled admin cannot demote themselves (409); a member changed meanwhile is a 409.',
      security: bearer,
      request: {
        params: AddressParam,
        body: { content: { 'application/json': { schema: NewRole } }, required: true },
      },
      responses: { 200: json(StaffChange, 'The member with the new role'), ...pick(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const changed = await changeStaffRole(c.var.deps, actorOf(c), c.req.valid('param').address, {
        role: body.role,
        warpId: body.warp ?? null,
      });
      return c.json(changed, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/staff/{address}/enable',
      tags: ['Access'],
      operationId: 'enableStaffMember',
      summary: 'Enable a disabled staff member again, with the role they had (admin)',
      description:
        'Audited as `staff.enable`. Keys revoked when they were disabled stay revoked. 409 when not disabled.',
      security: bearer,
      request: { params: AddressParam },
      responses: { 200: json(StaffChange, 'The enabled member'), ...pick(401, 403, 404, 409) },
    }),
    async (c) => c.json(await enableStaffMember(c.var.deps, actorOf(c), c.req.valid('param').address), 200),
  );

  return router;
}
